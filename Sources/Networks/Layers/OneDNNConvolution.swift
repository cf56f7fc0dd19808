import COneDNN
#if canImport(Glibc)
import Glibc
#endif

/// Which code computes the k × k convolutions (`Conv2d`) of a workspace's passes.
public enum ConvolutionBackend: String, Sendable, CaseIterable {
    /// Each layer's forward and backward pass on whichever of the two below measured faster for
    /// its shape (`runsOnOneDNN`): the default where oneDNN's CPU engine starts.
    case fastest
    /// Every k × k convolution on oneDNN's JIT primitives (the library PyTorch's CPU convolutions
    /// run on), on its channel-blocked layouts, with reorders from and to the engine's layouts
    /// around each call.
    case onednn
    /// The engine's own kernels: `DirectConvolution`, im2col + OpenBLAS.
    case engine

    /// `LOSS_SURFACES_CONVOLUTIONS=fastest|onednn|engine` if set, else `.fastest` where oneDNN's
    /// CPU engine starts, else `.engine`.
    /// `--convolutions` (`EngineOptions`) sets it at start-up, before any workspace is made.
    nonisolated(unsafe) public static var standard: ConvolutionBackend = {
        let named = getenv("LOSS_SURFACES_CONVOLUTIONS").flatMap { ConvolutionBackend(rawValue: String(cString: $0)) }
        let wanted = named ?? .fastest
        return wanted != .engine && !oneDNNAvailable ? .engine : wanted
    }()

    /// The oneDNN library's version, or nil where its CPU engine does not start.
    public static var oneDNNVersion: String? {
        guard oneDNNAvailable, let v = dnnl_version() else { return nil }
        return "\(v.pointee.major).\(v.pointee.minor).\(v.pointee.patch)"
    }

    /// For provenance: the backend and, when oneDNN is used, its version.
    public var description: String {
        switch self {
        case .engine: return "engine (direct kernels, im2col + OpenBLAS)"
        case .onednn: return "oneDNN \(Self.oneDNNVersion ?? "?") for every k × k convolution"
        case .fastest: return "fastest per layer: oneDNN \(Self.oneDNNVersion ?? "?") or the engine's kernels"
        }
    }

    public static var oneDNNAvailable: Bool { onednn_available() != 0 }

    enum Direction { case forward, backward }

    /// Whether this backend runs this pass of a convolution on oneDNN.
    ///
    /// `.fastest` follows what `bench --layers` measured per layer at batch 128 on 2 workers with
    /// both backends, medians of three alternations (tools/bench/HISTORY.md): the reorders to
    /// and from oneDNN's blocked layouts cost as much as its kernels gain where the channels are
    /// few and the planes large (16 → 16 at 28 × 28: forward 0.86-0.93×, backward 0.98-1.10×; the
    /// 1-channel input layer 0.5-0.7×), and the engine's 1 × 1 GEMMs need no reorder (oneDNN
    /// 0.5-0.6× on the stride-2 ones). oneDNN wins the forward pass of the layers with at least 32
    /// channels in and out (1.01-1.11× at 32 → 32, 1.2-2.5× from 64 output channels) and the
    /// backward pass of those and of the stride-2 layers (1.2-1.9×).
    func runsOnOneDNN(_ direction: Direction, _ g: ConvGeometry, outChannels: Int, pointwise: Bool) -> Bool {
        switch self {
        case .engine: return false
        case .onednn: return !pointwise
        case .fastest:
            guard g.kernel > 1, g.channels >= 16 else { return false }
            switch direction {
            case .forward: return min(g.channels, outChannels) >= 32
            case .backward: return g.stride == 2 || min(g.channels, outChannels) >= 32
            }
        }
    }
}

/// Which maps of a oneDNN forward pass are in oneDNN's 8-channel blocked layout (`nChw8c`) rather
/// than the engine's: the inference path hands a map from one oneDNN convolution to the next
/// that way (`InferencePlan`), each worker's share of the samples contiguous from
/// `first sample × channels × H × W`.
struct BlockedMaps: Hashable {
    var input = false, output = false
    static let none = BlockedMaps()
}

/// One oneDNN convolution of fixed shape over a slice of a batch's samples (`COneDNN`): forward
/// only, or the two backward passes only. Runs on the calling thread alone: the engine splits a
/// batch's samples over its workers (`Parallel`) as for its own kernels, so oneDNN's OpenMP pool
/// never competes with the engine's workers for the cores, and results do not depend on timing.
final class OneDNNConvolution {
    private let handle: OpaquePointer
    let arenaBytes: Int
    let implementation: String

    /// `samples` of a batch of `batch`; the input and output pointers passed later point at the slice's first sample.
    /// `training`: the two backward passes only; else the forward pass only, rectified with `relu`.
    init?(_ g: ConvGeometry, outChannels: Int, bias: Bool, samples: Int, batch: Int, input: ActivationInfo, training: Bool,
          inputGradient: Bool, relu: Bool = false, blocked: BlockedMaps = .none) {
        let strides = input.strides(batch: batch)
        var shape = onednn_convolution_shape(
            batch: Int32(samples), channels: Int32(g.channels), height: Int32(g.height), width: Int32(g.width),
            out_channels: Int32(outChannels), kernel: Int32(g.kernel), stride: Int32(g.stride), padding: Int32(g.padding),
            has_bias: bias ? 1 : 0, input_sample_stride: strides.sample, input_channel_stride: strides.channel,
            output_channel_stride: batch * g.outSpatial, bias_gradient: 0,
            training: training ? 1 : 0, input_gradient: inputGradient ? 1 : 0, relu: relu ? 1 : 0,
            input_blocked: blocked.input ? 1 : 0, output_blocked: blocked.output ? 1 : 0)
        var message = [CChar](repeating: 0, count: 512)
        guard let h = onednn_convolution_create(&shape, &message, message.count) else { return nil }
        handle = h
        arenaBytes = onednn_convolution_arena_bytes(h)
        implementation = String(cString: onednn_convolution_implementation(h))
    }

    deinit { onednn_convolution_destroy(handle) }

    func forward(x: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>,
                 arena: UnsafeMutableRawPointer) {
        let status = onednn_convolution_forward(handle, x, weights, bias, y, arena, 1)
        precondition(status == 0, "oneDNN convolution forward failed (\(implementation)), status \(status)")
    }

    /// dW of the slice (overwritten) and, if `dx` is given, its dX (overwritten or accumulated).
    func backward(x: UnsafePointer<Float>, weights: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                  dw: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?, accumulate: Bool,
                  arena: UnsafeMutableRawPointer) {
        let status = onednn_convolution_backward(handle, x, weights, dy, dw, nil, dx, accumulate ? 1 : 0, arena, 1)
        precondition(status == 0, "oneDNN convolution backward failed (\(implementation)), status \(status)")
    }
}

/// A workspace's oneDNN convolutions, made on first use per (operation, batch, workers, pass kind,
/// and for the forward pass whether it adds a bias, rectifies and which maps are blocked) with one object per worker's
/// slice of the samples, and one arena per worker that all its convolutions share (a workspace
/// runs one pass at a time).
final class OneDNNConvolutions {
    private struct Key: Hashable {
        let node: ObjectIdentifier, batch: Int, workers: Int, training: Bool, bias: Bool, relu: Bool, blocked: BlockedMaps
    }
    private var made: [Key: [OneDNNConvolution?]?] = [:]
    private var arenas: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []

    deinit { for a in arenas { a.pointer.deallocate() } }

    /// Worker `w`'s arena.
    @inline(__always) func arena(_ worker: Int) -> UnsafeMutableRawPointer { arenas[worker].pointer }

    /// Per worker, the convolution of its share of `batch` samples (nil for an empty share); nil if
    /// oneDNN has none for the shape (the engine's kernels then run it). Call before the workers start.
    /// `bias` (default: whether the layer has one) and `relu` shape the forward pass: the inference
    /// path passes a folded BN's bias and its ReLU.
    func convolutions(for node: Conv2d, batch: Int, workers: Int, training: Bool, bias: Bool? = nil,
                      relu: Bool = false, blocked: BlockedMaps = .none) -> [OneDNNConvolution?]? {
        let bias = bias ?? (node.biasOffset != nil)
        let key = Key(node: ObjectIdentifier(node), batch: batch, workers: workers, training: training, bias: bias, relu: relu,
                      blocked: blocked)
        if let made = made[key] { return made }
        var slices: [OneDNNConvolution?] = []
        for w in 0..<workers {
            let share = Parallel.share(w, of: workers, batch)
            guard !share.isEmpty else { slices.append(nil); continue }
            guard let c = OneDNNConvolution(node.geometry, outChannels: node.outChannels, bias: bias,
                                            samples: share.count, batch: batch, input: node.inputInfo, training: training,
                                            inputGradient: node.needsInputGradient[0], relu: relu, blocked: blocked) else {
                made[key] = .some(nil)
                return nil
            }
            reserve(c.arenaBytes + 64, worker: w)
            slices.append(c)
        }
        made[key] = slices
        return slices
    }

    private func reserve(_ bytes: Int, worker: Int) {
        while arenas.count <= worker { arenas.append((UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64), 64)) }
        guard arenas[worker].bytes < bytes else { return }
        arenas[worker].pointer.deallocate()
        arenas[worker] = (UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64), bytes)
    }
}
