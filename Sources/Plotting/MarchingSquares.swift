/// Contours of a field sampled on a rectangular grid, by marching squares with linear
/// interpolation along cell edges. `values[j][i]` is the value at `(xs[i], ys[j])`; points are
/// returned in data coordinates. A corner counts as "above" when its value is `>= level`.
/// Saddle cells (diagonal corners above) are resolved by the mean of the four corners, the same
/// way for lines and filled regions, so lines lie exactly on the borders of the fills.
/// Cells with a non-finite corner are skipped.
public enum MarchingSquares {
    /// Corners of a cell in counter-clockwise order (data y up): (i,j), (i+1,j), (i+1,j+1), (i,j+1).
    private static let cornerOffsets = [(0, 0), (1, 0), (1, 1), (0, 1)]

    private struct Cell {
        let i: Int, j: Int
        let corners: [Point]
        let values: [Double]
        let above: [Bool]
        let centerAbove: Bool

        /// Crossing point on edge `e` (from corner e to corner e+1), interpolated in canonical
        /// grid order so both neighbouring cells compute the identical point.
        func crossing(_ e: Int, level: Double) -> Point {
            let a = e, b = (e + 1) % 4
            let (lo, hi) = (e == 2 || e == 3) ? (b, a) : (a, b)
            let t = (level - values[lo]) / (values[hi] - values[lo])
            return Point(corners[lo].x + t * (corners[hi].x - corners[lo].x),
                         corners[lo].y + t * (corners[hi].y - corners[lo].y))
        }

        /// A key naming the grid edge `e` lies on, shared with the neighbouring cell.
        func edgeKey(_ e: Int, columns: Int) -> Int {
            switch e {
            case 0: return 2 * (j * columns + i)            // horizontal edge at row j
            case 2: return 2 * ((j + 1) * columns + i)      // horizontal edge at row j+1
            case 3: return 2 * (j * columns + i) + 1        // vertical edge at column i
            default: return 2 * (j * columns + i + 1) + 1   // vertical edge at column i+1
            }
        }

        /// For a saddle, the corners cut off by the contour: those on the side the centre is not.
        var isolatedCorners: [Int] { (0..<4).filter { above[$0] != centerAbove } }
        var isSaddle: Bool { above[0] == above[2] && above[1] == above[3] && above[0] != above[1] }
        var count: Int { above.filter { $0 }.count }
    }

    private static func cells(xs: [Double], ys: [Double], values: [[Double]], level: Double) -> [Cell] {
        precondition(values.count == ys.count && values.allSatisfy { $0.count == xs.count },
                     "values must be [ys.count][xs.count]")
        var result: [Cell] = []
        for j in 0..<(ys.count - 1) {
            for i in 0..<(xs.count - 1) {
                let v = cornerOffsets.map { values[j + $0.1][i + $0.0] }
                guard v.allSatisfy(\.isFinite) else { continue }
                let p = cornerOffsets.map { Point(xs[i + $0.0], ys[j + $0.1]) }
                result.append(Cell(i: i, j: j, corners: p, values: v, above: v.map { $0 >= level },
                                   centerAbove: v.reduce(0, +) / 4 >= level))
            }
        }
        return result
    }

    /// The level set `f = level` as polylines; a closed curve repeats its first point at the end.
    public static func isolines(xs: [Double], ys: [Double], values: [[Double]], level: Double) -> [[Point]] {
        var segments: [(Int, Int)] = []   // pairs of edge keys
        var points: [Int: Point] = [:]
        for cell in cells(xs: xs, ys: ys, values: values, level: level) where cell.count > 0 && cell.count < 4 {
            let pairs: [(Int, Int)]
            if cell.isSaddle {
                pairs = cell.isolatedCorners.map { k in ((k + 3) % 4, k) }
            } else {
                let crossing = (0..<4).filter { cell.above[$0] != cell.above[($0 + 1) % 4] }
                pairs = [(crossing[0], crossing[1])]
            }
            for (a, b) in pairs {
                let ka = cell.edgeKey(a, columns: xs.count), kb = cell.edgeKey(b, columns: xs.count)
                points[ka] = cell.crossing(a, level: level)
                points[kb] = cell.crossing(b, level: level)
                segments.append((ka, kb))
            }
        }
        return chain(segments).map { $0.map { points[$0]! } }
    }

    /// Joins segments sharing endpoints into maximal chains of keys.
    private static func chain(_ segments: [(Int, Int)]) -> [[Int]] {
        var byKey: [Int: [Int]] = [:]
        for (n, s) in segments.enumerated() { byKey[s.0, default: []].append(n); byKey[s.1, default: []].append(n) }
        var used = [Bool](repeating: false, count: segments.count)
        var chains: [[Int]] = []
        func extend(_ chain: inout [Int]) {
            while let last = chain.last, let next = byKey[last]?.first(where: { !used[$0] }) {
                used[next] = true
                let s = segments[next]
                chain.append(s.0 == last ? s.1 : s.0)
            }
        }
        // Open chains start at keys with one segment; then whatever remains is closed loops.
        let starts = byKey.keys.sorted().filter { byKey[$0]!.count == 1 } + segments.indices.map { segments[$0].0 }
        for start in starts {
            guard let first = byKey[start]?.first(where: { !used[$0] }) else { continue }
            used[first] = true
            let s = segments[first]
            var chain = s.0 == start ? [s.0, s.1] : [s.1, s.0]
            extend(&chain)
            chains.append(chain)
        }
        return chains
    }

    /// The region `f >= level` as polygons (counter-clockwise with y up), one or two per cell;
    /// runs of cells entirely above the level are merged into single rectangles.
    public static func superlevelRegions(xs: [Double], ys: [Double], values: [[Double]], level: Double) -> [[Point]] {
        var polygons: [[Point]] = []
        var run: (j: Int, i0: Int, i1: Int)?
        func flush() {
            guard let r = run else { return }
            polygons.append([Point(xs[r.i0], ys[r.j]), Point(xs[r.i1 + 1], ys[r.j]),
                             Point(xs[r.i1 + 1], ys[r.j + 1]), Point(xs[r.i0], ys[r.j + 1])])
            run = nil
        }
        for cell in cells(xs: xs, ys: ys, values: values, level: level) {
            if cell.count == 4 {
                if let r = run, r.j == cell.j, r.i1 == cell.i - 1 { run = (r.j, r.i0, cell.i) } else { flush(); run = (cell.j, cell.i, cell.i) }
                continue
            }
            flush()
            guard cell.count > 0 else { continue }
            if cell.isSaddle && !cell.centerAbove {
                for k in cell.isolatedCorners {
                    polygons.append([cell.crossing((k + 3) % 4, level: level), cell.corners[k], cell.crossing(k, level: level)])
                }
                continue
            }
            var polygon: [Point] = []
            for k in 0..<4 {
                if cell.above[k] { polygon.append(cell.corners[k]) }
                if cell.above[k] != cell.above[(k + 1) % 4] { polygon.append(cell.crossing(k, level: level)) }
            }
            polygons.append(polygon)
        }
        flush()
        return polygons
    }
}
