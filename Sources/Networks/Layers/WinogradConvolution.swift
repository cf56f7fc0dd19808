#if canImport(Glibc)
import Glibc
#endif

/// A 3 × 3 stride-1 convolution by Winograd's minimal filtering F(2 × 2, 3 × 3) or F(4 × 4, 3 × 3)
/// (Lavin & Gray 2016; `variant`, chosen by `variant(for:)`; F(4 × 4)'s transforms are in
/// `WinogradConvolution+F4`, its channels-last form in `WinogradConvolution+ChannelsLast`, F(2 × 2)'s in
/// `WinogradConvolution+F2`), or F(m × m, 3 × 3) with one tile per sample on small maps
/// (`WinogradConvolution+WholeMap`, `WinogradTransforms`). For F(2 × 2), each 2 × 2 block of outputs of one output channel is
///
///     Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A
///
/// with d_c the 4 × 4 input patch of channel c and g_c its 3 × 3 kernel. The 16 elementwise
/// products (ξ = 0..<16) of all tiles and channels are 16 matrix products
/// `M[ξ] (out × tiles) = U[ξ] (out × C) · V[ξ] (C × tiles)`: 16 multiply-adds per 4 outputs per
/// channel pair where the direct sum needs 36, 2.25× less arithmetic. Used by the inference path
/// only (`InferencePlan`): training keeps the direct kernels, whose bits the chapters' cached
/// networks were trained with. The rounding differs from the direct sum's by a few ulps of the
/// partial sums (the transforms' coefficients are ±1 and ½); `InferenceTests` bounds it.
///
/// Layout: `U` packed per block of 16 output channels as `[block][ξ][C][16]`, the format of the
/// AVX2 register tile `DirectConvolution.tile16` (16 channels × 6 positions), which multiplies
/// `U[ξ]` by `V[ξ]` stored `[ξ][C][tiles]` into the products `M` of a pass's tiles, stored
/// `[tile][ξ][16]` (the output transform reads each tile's ξ at constant offsets). Samples are
/// transformed a few at a time (enough tiles to fill the tile's rows). F(2 × 2)'s input transform
/// runs 8 tiles at a time on a padded copy of the plane, splitting each 16-float row into its even and odd columns (a tile's 16 inputs are then
/// 8-lane vectors); the products run over whole rows of tiles; the output transform turns 8 tiles
/// × 8 channels at a time channel-major in registers (`DirectConvolution.transpose8`), adds the
/// bias, applies the ReLU and writes whole output rows.
/// Which of a channels-last Winograd convolution's maps are position-major, `[batch][Ho][Wo][C]`:
/// one such layer hands its output to the next without turning it channel-major and back.
struct PositionMajorMaps: Hashable {
    var input = false, output = false
    static let none = PositionMajorMaps()
}

/// The inference path's Winograd kernels.
enum WinogradVariant: Equatable, Sendable {
    /// F(2 × 2, 3 × 3) and F(4 × 4, 3 × 3) with 8 tiles in each vector, over a chunk of samples.
    case f2, f4
    /// F(4 × 4, 3 × 3) one sample at a time with 8 channels in each vector (`WinogradConvolution+ChannelsLast`).
    case f4ChannelsLast
    /// F(m × m, 3 × 3) with one tile covering a sample's whole m × m output, 8 channels in each
    /// vector, groups of samples filling the register tile (`WinogradConvolution+WholeMap`).
    case wholeMap(Int)

    /// Outputs per tile side.
    var tile: Int {
        switch self {
        case .f2: return 2
        case .f4, .f4ChannelsLast: return 4
        case .wholeMap(let m): return m
        }
    }
    /// Whether the vectors hold 8 channels (one sample's tiles at a time) rather than 8 tiles.
    var channelsLast: Bool {
        switch self {
        case .f2, .f4: return false
        case .f4ChannelsLast, .wholeMap: return true
        }
    }
}

struct WinogradConvolution {
    typealias H = SIMD8<Float>
    typealias V = SIMD16<Float>
    let geometry: ConvGeometry
    let outChannels: Int
    let variant: WinogradVariant
    /// Outputs per tile side: 2 for F(2 × 2, 3 × 3), 4 for F(4 × 4, 3 × 3) (`WinogradConvolution+F4`).
    var tile: Int { variant.tile }
    /// F(4 × 4) or a whole map a sample at a time with the channels in the vectors rather than 8 tiles.
    var channelsLast: Bool { variant.channelsLast }
    /// The whole-map variant's transforms (`WinogradTransforms`), nil for the others.
    let transforms: WinogradTransforms?
    /// Whether it reads oneDNN's blocked layout `[batch, C / 8, H, W, 8]` when that is handed to it: the whole-map variant.
    var readsBlocked: Bool { transforms != nil }
    /// Elementwise products per tile and channel pair: (tile + 2)².
    var products: Int { (tile + 2) * (tile + 2) }
    /// Output tiles per row and per column, and per sample.
    let tileColumns: Int, tileRows: Int
    var tilesPerSample: Int { tileColumns * tileRows }
    /// The padded plane: rows (with the extra zero rows the last tiles read past an output height
    /// that is not a multiple of the tile) and row width (with the slack the loads of the last 8
    /// tiles read). F(4 × 4) keeps it as four phase planes (columns modulo 4) of that width.
    let paddedRows: Int, paddedWidth: Int
    /// Floats of the padded input: the plane, or F(4 × 4)'s phase planes and its copying line.
    var paddedCount: Int { tile == 2 ? paddedRows * paddedWidth : 4 * paddedRows * paddedWidth + splitSpan }
    /// F(4 × 4)'s input rows are split 32 columns at a time: the columns that reads, a multiple of 32.
    var splitSpan: Int { (geometry.width + 31) / 32 * 32 }
    /// Rows of tiles per pass of the products between output transforms: about 48 tiles (24 for F(4 × 4)).
    let rowsPerPass: Int
    /// Tiles a pass's products buffer holds: the pass's rows, the last row's 8-tile group's overhang, rounded to 6.
    let passTiles: Int

    /// 3 × 3, stride 1, a multiple of 16 output channels (the register tile's width), and tiles that
    /// cover the output with little overhang (at least 75 % of the outputs they compute kept: a 5 × 5
    /// output is 9 tiles of 4, 31 % dropped).
    static func supports(_ g: ConvGeometry, outChannels: Int, tile: Int = 2) -> Bool {
        let tiles = (g.outHeight + tile - 1) / tile * ((g.outWidth + tile - 1) / tile)
        return g.kernel == 3 && g.stride == 1 && outChannels % 16 == 0 && Double(g.outSpatial) >= 0.75 * Double(tile * tile * tiles)
    }

    /// The kernel the inference path runs `g` with (`forced`, where that one applies), or nil for none,
    /// as measured per layer and per network against the other kernels (batch 32–128, 2 workers,
    /// alternated; tools/bench/HISTORY.md):
    /// - F(4 × 4) channels-last (one sample at a time) with 16–64 input channels, where it applies
    ///   (padding 1): per batch of 128, 16 → 16 at 28 × 28 2.1–2.2 ms against the direct chains'
    ///   3.6–3.7 per layer, 32 → 32 at 14 × 14 1.7–1.8 against F(2 × 2)'s 2.4–2.9, 64 → 64 at 7 × 7
    ///   1.9–2.0 against 3.0–3.1; at batch 64, 16 → 16 at 32 × 32 1.3–1.6 against F(4 × 4)'s 1.4–1.7,
    ///   VGG-16's 64 → 64 at 32 × 32 11.5 against 16.5. Not above 64 channels: a map of one or two
    ///   tiles, whose group of samples cannot fill the register tile, ran VGG-16's 512 → 512 at 4 × 4
    ///   several times slower.
    /// - Whole-map F(m × m) (`WinogradConvolution+WholeMap`) with up to 64 input channels on 5 × 5 and
    ///   6 × 6 outputs, where F(4 × 4)'s tiles overhang them and no other variant applies: tinyten's
    ///   64 → 64 at 7 × 7 without padding took 0.93 ms per batch of 128 in the evaluation profile
    ///   (weights transformed at every pass) against oneDNN's 1.34 in the same run on an AVX-512
    ///   machine; the whole evaluator ran 1.035× (median of 4 alternations, per CPU-second).
    /// - F(4 × 4) with at least 32 input channels on maps 6 or more tiles wide (21 outputs and up):
    ///   64 → 64 at 32 × 32 took 18.7–19.4 ms against F(2 × 2)'s 27.2–28.7, 160 → 160 57–66 against
    ///   82–87; level at 16 × 16 (4 tiles wide), 1.5× slower at 8 × 8, where its groups of 8 tiles run
    ///   mostly empty.
    /// - F(4 × 4) with 16 input channels only where each row of tiles fills its groups of 8 (CIFAR's
    ///   32 × 32; channels-last takes those layers first).
    /// - F(2 × 2) with at least 32 input channels elsewhere (32 → 32 at 14 × 14: 1.2–1.4× the direct
    ///   or oneDNN kernel, 64 → 64 at 7 × 7 1.15–1.25×); at 16 channels its transforms cost what its
    ///   products save.
    static func variant(for g: ConvGeometry, outChannels: Int, forced: WinogradVariant? = nil) -> WinogradVariant? {
        if let forced { return supports(g, outChannels: outChannels, variant: forced) ? forced : nil }
        let columns = (g.outWidth + 3) / 4
        if g.channels <= 64 && supportsChannelsLast(g, outChannels: outChannels) { return .f4ChannelsLast }
        if g.channels <= 64 && (5...6).contains(g.outWidth) && supportsWholeMap(g, outChannels: outChannels) { return .wholeMap(g.outWidth) }
        if supports(g, outChannels: outChannels, tile: 4)
            && (g.channels >= 32 && columns >= 6 || g.channels >= 16 && columns % 8 == 0) { return .f4 }
        return g.channels >= 32 && supports(g, outChannels: outChannels) ? .f2 : nil
    }

    static func supports(_ g: ConvGeometry, outChannels: Int, variant: WinogradVariant) -> Bool {
        switch variant {
        case .f4ChannelsLast: return supportsChannelsLast(g, outChannels: outChannels)
        case .wholeMap(let m): return supportsWholeMap(g, outChannels: outChannels) && g.outWidth == m
        case .f2, .f4: return supports(g, outChannels: outChannels, tile: variant.tile)
        }
    }

    init(_ g: ConvGeometry, outChannels: Int, variant: WinogradVariant = .f2) {
        let tile = variant.tile, channelsLast = variant.channelsLast
        precondition(variant != .f4ChannelsLast || Self.supportsChannelsLast(g, outChannels: outChannels),
                     "channels-last Winograd needs padding 1, C % 8 = 0 and W ≥ 8")
        precondition(Self.supports(g, outChannels: outChannels, variant: variant),
                     "Winograd \(variant) needs 3×3, stride 1, out % 16 = 0 and tiles that cover the output")
        self.variant = variant
        if case .wholeMap(let m) = variant { transforms = WinogradTransforms(outputs: m) } else { transforms = nil }
        geometry = g
        self.outChannels = outChannels
        tileColumns = (g.outWidth + tile - 1) / tile
        tileRows = (g.outHeight + tile - 1) / tile
        paddedRows = tile * tileRows + 2
        let groups = (tileColumns + 7) / 8 * 8
        paddedWidth = channelsLast ? tile * tileColumns + 2
            : tile == 2 ? 2 * groups + 2 + 8 : max(groups, (g.width + 31) / 32 * 8) + 8  // the split's span / 4
        rowsPerPass = max(1, (tile == 2 ? 48 : 24) / tileColumns)
        passTiles = (rowsPerPass * tileColumns + 8 + 5) / 6 * 6
    }

    /// Samples transformed together: about 98 304 floats of transformed input (6144 / C tiles for
    /// F(2 × 2)), so that the products' operand stays L2-sized.
    func chunkSamples(_ available: Int) -> Int {
        max(1, min(available, max(48, 98_304 / (products * geometry.channels)) / tilesPerSample))
    }
    /// `V`'s floats per channel for a chunk of `count` samples: the tiles, the 8-tile groups'
    /// overhang past the last and the register tile's rounding to 6.
    func tileStride(_ count: Int) -> Int { (count * tilesPerSample + 8 + passTiles + 5) / 6 * 6 }

    /// Floats of the transformed kernel `U`.
    var transformedWeightCount: Int { products * geometry.channels * outChannels }
    /// Floats of the transforms' staging area.
    var stagingCount: Int { tile == 2 ? 4 * 64 : 24 * 8 + 4 * 32 * 8 + 8 * 8 }
    /// Floats of one worker's scratch for chunks of up to `samples` samples: the padded plane,
    /// `V`, the products of one pass and the output transform's staging tile.
    func scratchCount(samples: Int) -> Int {
        if channelsLast { return channelsLastScratchCount }
        return paddedCount + products * geometry.channels * tileStride(chunkSamples(samples)) + products * passTiles * 16 + stagingCount
    }

    /// U = G g Gᵀ of every (o, c) from `weights` `[out, C, 3, 3]`, packed `[block][ξ][C][16]`:
    /// `transformKernel2`, `transformKernel4` or the whole map's of each kernel, which hands U's
    /// elements to `put(ξ, value)`; for the blocks of 16 output channels `blocks` (all by default).
    func transformWeights(_ weights: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>, blocks: Range<Int>? = nil) {
        let c = geometry.channels, xis = products, blocks = blocks ?? 0..<(outChannels / 16)
        for o in (blocks.lowerBound * 16)..<(blocks.upperBound * 16) {
            let block = o / 16, lane = o % 16
            for ch in 0..<c {
                let g = weights + (o * c + ch) * 9
                func put(_ xi: Int, _ value: Float) { u[((block * xis + xi) * c + ch) * 16 + lane] = value }
                if let transforms { transforms.transformKernel(g, put) } else if tile == 2 { Self.transformKernel2(g, put) } else { Self.transformKernel4(g, put) }
            }
        }
    }

    /// y[o, n] = max?(U ⊛ x[n] + bias[o], 0) for the samples `samples`, overwriting `y`, or with
    /// `accumulate` (a residual add; no ReLU) y[o, n] += U ⊛ x[n] + bias[o]. `x`'s element
    /// (n, c, s) is at `c·channelStride + n·sampleStride + s`; `y` is channel-major `[out, batch, Ho, Wo]`,
    /// or with `blockedOutput` in oneDNN's 8-channel blocked layout `[batch, out / 8, Ho, Wo, 8]`
    /// (for a oneDNN convolution that reads it; `BlockedMaps`). With `inputAffine` the input is
    /// mapped as it is copied in.
    func run(_ x: UnsafePointer<Float>, channelStride: Int, sampleStride: Int, transformed u: UnsafePointer<Float>,
             bias: UnsafePointer<Float>?, relu: Bool, accumulate: Bool = false, blocked: BlockedMaps = .none,
             positionMajor: PositionMajorMaps = .none, inputAffine: InputAffine? = nil, y: UnsafeMutablePointer<Float>, batch: Int,
             samples: Range<Int>, scratch: UnsafeMutablePointer<Float>, scratchCount: Int) {
        guard !samples.isEmpty else { return }
        let blockedOutput = blocked.output
        precondition(!(relu && accumulate) && !(accumulate && blockedOutput), "a rectified or blocked output cannot accumulate")
        precondition(!blocked.input || readsBlocked, "only whole-map Winograd reads oneDNN's blocked layout")
        precondition(self.scratchCount(samples: samples.count) <= scratchCount,
                     "Winograd scratch of \(scratchCount) floats for \(samples.count) samples (needs \(self.scratchCount(samples: samples.count)))")
        if channelsLast {
            runChannelsLast(x, channelStride: channelStride, sampleStride: sampleStride, transformed: u, bias: bias, relu: relu,
                            accumulate: accumulate, blocked: blocked, positionMajor: positionMajor, inputAffine: inputAffine,
                            y: y, batch: batch, samples: samples, scratch: scratch)
            return
        }
        precondition(positionMajor == .none, "only channels-last Winograd reads and writes position-major maps")
        let c = geometry.channels, chunk = chunkSamples(samples.count)
        let padded = scratch, v = padded + paddedCount, xis = products
        let stride = tileStride(chunk), m = v + xis * c * stride, staging = m + xis * passTiles * 16
        padded.update(repeating: 0, count: paddedCount)
        v.update(repeating: 0, count: xis * c * stride)
        let offsets = (0..<c).map { $0 * stride }
        var n0 = samples.lowerBound
        while n0 < samples.upperBound {
            let count = min(chunk, samples.upperBound - n0)
            for j in 0..<count {
                for ch in 0..<c {
                    let source = x + ch * channelStride + (n0 + j) * sampleStride, into = v + ch * stride + j * tilesPerSample
                    if tile == 2 {
                        pad(source, into: padded, affine: inputAffine, channel: ch)
                        transformInput(padded, into: into, xiStride: c * stride)
                    } else {
                        splitPhases(source, into: padded, affine: inputAffine, channel: ch)
                        transformInput4(padded, into: into, xiStride: c * stride, staging: staging)
                    }
                }
            }
            offsets.withUnsafeBufferPointer { offsets in
                let rows = count * tileRows
                for block in 0..<(outChannels / 16) {
                    var row0 = 0
                    while row0 < rows {
                        let passRows = min(rowsPerPass, rows - row0), t0 = row0 * tileColumns
                        let width = passRows * tileColumns + (tileColumns % 8 == 0 ? 0 : 8 - tileColumns % 8)
                        for xi in 0..<xis {
                            var q = 0
                            while q < width {
                                DirectConvolution.tile16(v + xi * c * stride + t0 + q, offsets: offsets.baseAddress!, rows: c,
                                                         weights: u + (block * xis + xi) * c * 16, out: m + (q * xis + xi) * 16,
                                                         positionStride: xis * 16)
                                q += 6
                            }
                        }
                        for r in 0..<passRows {
                            let row = row0 + r, at = m + r * tileColumns * xis * 16
                            if tile == 2 {
                                transformOutput(at, sample: n0 + row / tileRows, tileRow: row % tileRows, block: block, bias: bias,
                                                relu: relu, accumulate: accumulate, blocked: blockedOutput, y: y, batch: batch, staging: staging)
                            } else {
                                transformOutput4(at, sample: n0 + row / tileRows, tileRow: row % tileRows, block: block, bias: bias,
                                                 relu: relu, accumulate: accumulate, blocked: blockedOutput, y: y, batch: batch, staging: staging)
                            }
                        }
                        row0 += passRows
                    }
                }
            }
            n0 += count
        }
    }

    @inline(__always) func load(_ p: UnsafePointer<Float>) -> H { UnsafeRawPointer(p).loadUnaligned(as: H.self) }
    @inline(__always) func store(_ v: H, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: H.self)
    }
}

