import Foundation
import Tensor

/// Picks OpenBLAS's kernels and thread count for an executable, transparently for a user who types
/// `swift run chapter3`.
///
/// Debian's OpenBLAS (DYNAMIC_ARCH) picks its Haswell kernels on AVX-512 CPUs such as this
/// machine's Zen 5; `OPENBLAS_CORETYPE=SkylakeX` roughly doubles sgemm, but OpenBLAS reads the
/// variable only when it loads, before `main` runs. So when the CPU has AVX-512 and the user has
/// not chosen a core type, the process sets the variable and re-executes itself once.
public enum BLASRuntime {
    /// Call first thing in `main`. `threads` nil means all cores.
    public static func prepare(threads: Int?) {
        let env = ProcessInfo.processInfo.environment
        if env["OPENBLAS_CORETYPE"] == nil && env["LOSS_SURFACES_KEEP_BLAS_CORE"] == nil && cpuHasAVX512 {
            setenv("OPENBLAS_CORETYPE", "SkylakeX", 1)
            execv("/proc/self/exe", CommandLine.unsafeArgv)
            // execv returns only on failure: carry on with the kernels already loaded.
            unsetenv("OPENBLAS_CORETYPE")
        }
        BLAS.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
    }

    static var cpuHasAVX512: Bool {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        guard let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        let set = Set(flags.split(separator: " "))
        return set.contains("avx512f") && set.contains("avx512bw") && set.contains("avx512vl")
    }

    /// One line for reports: kernel, threads and build configuration.
    public static var summary: String {
        (BLAS.config.hasPrefix("OpenBLAS") ? "" : "OpenBLAS ") + "\(BLAS.config); core \(BLAS.coreName); \(BLAS.threads) threads"
    }
}
