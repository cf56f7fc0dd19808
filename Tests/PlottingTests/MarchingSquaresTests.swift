import Foundation
import Testing
@testable import Plotting

@Suite("Marching squares")
struct MarchingSquaresTests {
    /// f(x, y) = x² + y² on a 61 × 61 grid over [−1.5, 1.5]².
    static let grid = (0..<61).map { -1.5 + 3 * Double($0) / 60 }
    static let paraboloid = grid.map { y in grid.map { x in x * x + y * y } }

    @Test("level sets of x² + y² are closed circles of radius √level", arguments: [0.25, 0.5, 1.0, 1.7])
    func circles(level: Double) {
        let lines = MarchingSquares.isolines(xs: Self.grid, ys: Self.grid, values: Self.paraboloid, level: level)
        #expect(lines.count == 1)
        let line = lines[0]
        #expect(line.first == line.last, "a circle inside the grid closes")
        // Linear interpolation of a quadratic errs by at most h²/4 in f (h = 0.05) → tiny in r.
        for p in line { #expect(abs((p.x * p.x + p.y * p.y).squareRoot() - level.squareRoot()) < 2e-3) }
        // The curve goes all the way round: it reaches all four quadrants.
        #expect(Set(line.map { ($0.x >= 0 ? 1 : 0) + ($0.y >= 0 ? 2 : 0) }).count == 4)
    }

    @Test("a level set leaving the grid is an open curve")
    func openCurve() {
        // radius √4 = 2 exceeds the grid's half-width 1.5: four arcs through the corners.
        let lines = MarchingSquares.isolines(xs: Self.grid, ys: Self.grid, values: Self.paraboloid, level: 4)
        #expect(lines.count == 4)
        #expect(lines.allSatisfy { $0.first != $0.last })
    }

    @Test("the region f ≥ level has area (grid area − π·level) within grid tolerance")
    func superlevelArea() {
        let level = 1.0
        let polygons = MarchingSquares.superlevelRegions(xs: Self.grid, ys: Self.grid, values: Self.paraboloid, level: level)
        let area = polygons.map(Self.signedArea).reduce(0, +)
        #expect(polygons.allSatisfy { Self.signedArea($0) >= -1e-12 }, "polygons are counter-clockwise (or degenerate where a corner sits exactly on the level)")
        #expect(abs(area - (9 - Double.pi * level)) < 0.01)
    }

    @Test("no contour for a level outside the field's range")
    func empty() {
        #expect(MarchingSquares.isolines(xs: Self.grid, ys: Self.grid, values: Self.paraboloid, level: -1).isEmpty)
        #expect(MarchingSquares.superlevelRegions(xs: Self.grid, ys: Self.grid, values: Self.paraboloid, level: 100).isEmpty)
    }

    @Test("a saddle cell is split the same way for lines and fills")
    func saddle() {
        // Corners (0,0)=1, (1,0)=0, (1,1)=1, (0,1)=0; centre mean 0.5.
        let values = [[1.0, 0.0], [0.0, 1.0]]
        let connected = MarchingSquares.isolines(xs: [0, 1], ys: [0, 1], values: values, level: 0.5)
        #expect(connected.count == 2)  // centre ≥ level: the two low corners are cut off
        let fillsHigh = MarchingSquares.superlevelRegions(xs: [0, 1], ys: [0, 1], values: values, level: 0.5)
        #expect(fillsHigh.count == 1 && fillsHigh[0].count == 6)  // one hexagon
        let fillsLow = MarchingSquares.superlevelRegions(xs: [0, 1], ys: [0, 1], values: values, level: 0.6)
        #expect(fillsLow.count == 2 && fillsLow.allSatisfy { $0.count == 3 })  // two corner triangles
    }

    static func signedArea(_ p: [Point]) -> Double {
        zip(p, p.dropFirst() + [p[0]]).map { $0.x * $1.y - $1.x * $0.y }.reduce(0, +) / 2
    }
}

@Suite("Contour levels")
struct ContourLevelsTests {
    @Test("GAR's log-spaced levels start at the minimum, end at the clipped maximum, and densify near the minimum")
    func logSpaced() {
        let values = [[0.1, 1.0], [3.0, 12.0]]
        let levels = ContourLevels.logSpaced(values: values, vmax: 5, logAlpha: -5, count: 7)
        #expect(levels.count == 8)
        #expect(levels.first == 0.1 && levels.last == 5)
        // level_1 = 0.1 + exp(−5 + (log(4.9) + 5)/7)
        let gamma = (log(4.9) + 5) / 7
        #expect(abs(levels[1] - (0.1 + exp(-5 + gamma))) < 1e-12)
        let gaps = zip(levels, levels.dropFirst()).map { $1 - $0 }
        #expect(zip(gaps, gaps.dropFirst()).allSatisfy { $0 < $1 })
    }
}
