import Testing
@testable import Datasets

@Suite struct NormalizationTests {
    @Test func fitHasClosedFormOnTwoValues() {
        // Half the pixels 0, half 255: u/255 is 0 or 1, so mean ½ and population std ½.
        let n = Normalization.fit(pixels: [0, 255, 0, 255], channels: 1, plane: 2)
        #expect(n.mean == [0.5] && n.std == [0.5])
        #expect(n.black == [-1])
        #expect(n.normalize([0, 255, 51, 255], plane: 4) == [-1, 1, (Float(51) / 255 - 0.5) / 0.5, 1])
    }

    @Test func channelsArePlanesOfEachImage() {
        // Two images of 2 channels × 2 pixels: channel 0 holds 0 and 255 (mean ½), channel 1 is constant 51.
        let pixels: [UInt8] = [0, 255, 51, 51, 255, 0, 51, 51]
        let n = Normalization.fit(pixels: pixels, channels: 2, plane: 2)
        #expect(n.mean[0] == 0.5 && n.std[0] == 0.5)
        #expect(n.mean[1] == Float(51.0 / 255.0))
        #expect(n.std[1] == 1)  // a constant channel keeps std 1 instead of dividing by zero
        let x = n.normalize(pixels, plane: 2)
        #expect(x[0] == -1 && x[1] == 1 && x[2] == 0 && x[7] == 0)
        #expect(n.black == [-1, -Float(51.0 / 255.0)])
    }

    @Test func noneLeavesBytesOverTwoFiftyFive() {
        let n = Normalization.none(channels: 3)
        #expect(n.black == [0, 0, 0] && n.value(of: 255, channel: 2) == 1)
    }
}
