import Foundation
import Testing
import Tensor
@testable import Datasets

/// `n` one-pixel images whose value is their index, labels `i % classes`: every image is recognisable.
func indexDataset(_ n: Int, shape: [Int] = [1, 1, 1], classes: Int = 10) -> Dataset {
    let size = shape.reduce(1, *)
    return Dataset(name: "index", images: (0..<(n * size)).map { Float($0 / size) }, labels: (0..<n).map { Int32($0 % classes) },
                   shape: shape, classes: classes, normalization: .none(channels: shape[0]))
}

@Suite struct DatasetTests {
    let data = indexDataset(20, shape: [1, 2, 2])

    @Test func subsetCopiesImagesAndLabelsInTheGivenOrder() {
        let s = data.subset([7, 3, 7])
        #expect(s.count == 3 && s.shape == [1, 2, 2])
        #expect(s.images == [7, 7, 7, 7, 3, 3, 3, 3, 7, 7, 7, 7] && s.labels == [7, 3, 7])
        #expect(s.normalization == data.normalization && s.classes == 10)
    }

    @Test func prefixAndValidationSplitTakeTheLastImagesForValidation() {
        #expect(data.prefix(4).labels == [0, 1, 2, 3] && data.prefix(100).count == 20)
        let (train, validation) = data.validationSplit(size: 5)
        #expect(train.count == 15 && validation.count == 5)
        #expect(train.images.first == 0 && train.images.last == 14)
        #expect(validation.images.first == 15 && validation.images.last == 19)
    }

    @Test func fixedSubsetIsTheSameEveryTimeAndDependsOnTheSeed() {
        let a = data.fixedSubset(count: 6, seed: 1), b = data.fixedSubset(count: 6, seed: 1)
        #expect(a.images == b.images && a.count == 6)
        #expect(Set(a.images).count == 6)  // distinct images
        #expect(data.fixedSubset(count: 6, seed: 2).images != a.images)
        #expect(data.fixedSubset(count: 50, seed: 1).count == 20)
    }

    @Test func gaussianBlobsAreSeededBalancedAndSeparable() {
        let blobs = SyntheticData.gaussianBlobs(count: 300, classes: 3, dimensions: 4, separation: 10, spread: 0.5, seed: 7)
        #expect(blobs.shape == [4, 1, 1] && blobs.classes == 3 && blobs.count == 300)
        #expect(blobs.images == SyntheticData.gaussianBlobs(count: 300, classes: 3, dimensions: 4, separation: 10, spread: 0.5, seed: 7).images)
        #expect(blobs.images != SyntheticData.gaussianBlobs(count: 300, classes: 3, dimensions: 4, separation: 10, spread: 0.5, seed: 8).images)
        #expect((0..<3).allSatisfy { c in blobs.labels.filter { $0 == c }.count == 100 })
        // Nearest class mean classifies every point when centres are 10 apart and spread is 0.5.
        var means = [[Double]](repeating: [0, 0, 0, 0], count: 3)
        for i in 0..<300 { for d in 0..<4 { means[Int(blobs.labels[i])][d] += Double(blobs.images[4 * i + d]) / 100 } }
        let correct = (0..<300).filter { i in
            let distances = means.map { m in (0..<4).reduce(0.0) { $0 + pow2(Double(blobs.images[4 * i + $1]) - m[$1]) } }
            return distances.firstIndex(of: distances.min()!) == Int(blobs.labels[i])
        }.count
        #expect(correct == 300)
        let image = SyntheticData.gaussianBlobs(count: 4, classes: 2, dimensions: 16, shape: [1, 4, 4], seed: 1)
        #expect(image.shape == [1, 4, 4] && image.normalization.black == [0])
    }

    @Test func twoSpiralsLieOnTheirArms() {
        let spirals = SyntheticData.twoSpirals(count: 200, noise: 0, seed: 3)
        #expect(spirals.shape == [2, 1, 1] && spirals.classes == 2)
        #expect(spirals.images == SyntheticData.twoSpirals(count: 200, noise: 0, seed: 3).images)
        // Without noise, point i of class c sits at angle 2π·1.5·r + π·c (mod 2π), r = its radius.
        for i in 0..<200 {
            let x = Double(spirals.images[2 * i]), y = Double(spirals.images[2 * i + 1])
            let r = (x * x + y * y).squareRoot()
            #expect(r <= 1.0001)
            let expected = 2 * Double.pi * 1.5 * r + Double.pi * Double(spirals.labels[i])
            let turn = (atan2(y, x) - expected) / (2 * Double.pi)
            #expect(abs(turn - turn.rounded()) < 1e-4, "point \(i)")
        }
        #expect(Set(spirals.labels) == [0, 1])
    }
}

private func pow2(_ x: Double) -> Double { x * x }
