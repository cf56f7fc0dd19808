import Datasets
import Foundation
import Tensor

/// Spectral measures of a symmetric operator given by its products (a network's Hessian:
/// `HessianOperator.product`), as PyHessian (Yao et al. 2020) computes them: the top eigenvalues
/// by Lanczos, the trace by Hutchinson's estimator, the eigenvalue density by stochastic Lanczos
/// quadrature.
public enum HessianSpectrum {
    /// Lanczos's tridiagonal matrix after `steps` products from a unit `start`, with every new
    /// vector re-orthogonalised against all earlier ones (the Ritz values then do not repeat).
    public struct Tridiagonal: Codable, Sendable, Equatable {
        public var alpha: [Double]
        public var beta: [Double]
        /// The Ritz values (decreasing) and, per value, the squared first component of its
        /// eigenvector: the quadrature weights of `start`'s spectral measure.
        public var ritz: (values: [Double], weights: [Double]) {
            let (values, vectors) = SymmetricEigen.tridiagonal(alpha: alpha, beta: beta)
            return (values, vectors.map { $0[0] * $0[0] })
        }
    }

    /// Runs Lanczos for at most `steps` products (fewer when the Krylov space is exhausted).
    public static func lanczos(_ product: ([Double]) -> [Double], start: [Double], steps: Int) -> Tridiagonal {
        let n = start.count
        precondition(steps >= 1 && n >= 1, "Lanczos needs a step and a non-empty start")
        var q = normalized(start)
        var basis: [[Double]] = [q], alpha: [Double] = [], beta: [Double] = []
        for k in 0..<min(steps, n) {
            var w = product(q)
            let a = dot(w, q)
            alpha.append(a)
            for i in 0..<n { w[i] -= a * q[i] + (k > 0 ? beta[k - 1] * basis[k - 1][i] : 0) }
            // Full re-orthogonalisation, twice (Gram–Schmidt's second pass catches what the first lost).
            for _ in 0..<2 { for b in basis { let c = dot(w, b); for i in 0..<n { w[i] -= c * b[i] } } }
            let norm = dot(w, w).squareRoot()
            if k == min(steps, n) - 1 || norm < 1e-10 * max(abs(a), 1) { break }
            beta.append(norm)
            q = w.map { $0 / norm }
            basis.append(q)
        }
        return Tridiagonal(alpha: alpha, beta: beta)
    }

    /// The `k` largest eigenvalues by Lanczos: products added `blockSteps` at a time from a
    /// Rademacher start until the top `k` Ritz values move less than `tolerance` (relative) or
    /// `maxSteps` products were spent.
    public struct TopEigenvalues: Codable, Sendable, Equatable {
        public let values: [Double]
        /// Products spent, and the largest relative change of the top-k Ritz values at the last check.
        public let steps: Int
        public let change: Double
        public let converged: Bool
    }

    public static func topEigenvalues(_ product: ([Double]) -> [Double], dimension: Int, k: Int, tolerance: Double = 1e-3,
                                      blockSteps: Int = 5, maxSteps: Int = 60, seed: UInt64) -> TopEigenvalues {
        precondition(k >= 1 && k <= dimension, "k = \(k) eigenvalues of a \(dimension)-dimensional operator")
        var rng = RandomGenerator(seed: seed)
        let start = rademacher(dimension, &rng)
        var previous: [Double]?, steps = min(max(k + 1, blockSteps), dimension, maxSteps), change = Double.infinity
        // Products are recomputed on each restart only in `steps`; memoise them so a longer run reuses them.
        var cache: [[Double]] = []
        var calls = 0
        let memo: ([Double]) -> [Double] = { v in
            defer { calls += 1 }
            if calls < cache.count { return cache[calls] }
            let p = product(v)
            cache.append(p)
            return p
        }
        while true {
            calls = 0
            let t = lanczos(memo, start: start, steps: steps)
            let top = Array(t.ritz.values.prefix(k))
            if let previous, previous.count == top.count {
                change = zip(top, previous).map { abs($0 - $1) / max(abs($0), 1e-12) }.max() ?? 0
                if change < tolerance { return TopEigenvalues(values: top, steps: cache.count, change: change, converged: true) }
            }
            if steps >= min(maxSteps, dimension) || t.alpha.count < steps {
                return TopEigenvalues(values: top, steps: cache.count, change: change, converged: t.alpha.count < steps)
            }
            previous = top
            steps = min(steps + blockSteps, maxSteps, dimension)
        }
    }

    /// Hutchinson's estimate of the trace: the mean of vᵀHv over `probes` Rademacher vectors, with
    /// the standard error of that mean (the probes' standard deviation / √probes).
    public struct Trace: Codable, Sendable, Equatable {
        public let estimate: Double
        public let standardError: Double
        public let samples: [Double]
    }

    public static func trace(_ product: ([Double]) -> [Double], dimension: Int, probes: Int, seed: UInt64) -> Trace {
        precondition(probes >= 2, "the trace's standard error needs at least 2 probes")
        var rng = RandomGenerator(seed: seed)
        let samples = (0..<probes).map { _ -> Double in let v = rademacher(dimension, &rng); return dot(v, product(v)) }
        let mean = samples.reduce(0, +) / Double(probes)
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(probes - 1)
        return Trace(estimate: mean, standardError: (variance / Double(probes)).squareRoot(), samples: samples)
    }

    /// The eigenvalue density by stochastic Lanczos quadrature (Ghorbani et al. 2019; PyHessian):
    /// `runs` Lanczos runs of `steps` products from Rademacher starts, each a quadrature of nodes
    /// (Ritz values) and weights; the density on `grid` is their average with every node smoothed
    /// by a Gaussian of variance `variance`, renormalised to integrate to one over the grid.
    public struct Density: Codable, Sendable, Equatable {
        public let grid: [Double]
        public let density: [Double]
        /// Every run's nodes and weights.
        public let nodes: [[Double]]
        public let weights: [[Double]]
    }

    public static func density(_ product: ([Double]) -> [Double], dimension: Int, runs: Int, steps: Int, seed: UInt64,
                               gridPoints: Int = 400, variance: Double? = nil) -> Density {
        precondition(runs >= 1 && gridPoints >= 2, "a density needs a run and a grid")
        var rng = RandomGenerator(seed: seed)
        var nodes: [[Double]] = [], weights: [[Double]] = []
        for _ in 0..<runs {
            let (values, w) = lanczos(product, start: rademacher(dimension, &rng), steps: steps).ritz
            nodes.append(values)
            weights.append(w)
        }
        let all = nodes.joined()
        let lo = all.min()!, hi = all.max()!, span = max(hi - lo, 1e-12), margin = 0.05 * span
        let sigma2 = variance ?? (0.01 * span) * (0.01 * span)
        let grid = (0..<gridPoints).map { lo - margin + (span + 2 * margin) * Double($0) / Double(gridPoints - 1) }
        var density = grid.map { x in
            zip(nodes, weights).reduce(0.0) { sum, run in
                sum + zip(run.0, run.1).reduce(0.0) { $0 + $1.1 * exp(-(x - $1.0) * (x - $1.0) / (2 * sigma2)) }
                    / (2 * Double.pi * sigma2).squareRoot()
            } / Double(runs)
        }
        let step = grid[1] - grid[0], mass = density.reduce(0, +) * step
        if mass > 0 { density = density.map { $0 / mass } }
        return Density(grid: grid, density: density, nodes: nodes, weights: weights)
    }

    /// aᵀb, summed in order.
    public static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }

    static func normalized(_ v: [Double]) -> [Double] {
        let n = dot(v, v).squareRoot()
        precondition(n > 0, "a zero start vector")
        return v.map { $0 / n }
    }

    /// A vector of independent ±1 entries.
    public static func rademacher(_ n: Int, _ rng: inout RandomGenerator) -> [Double] {
        (0..<n).map { _ in rng.uniformFloat() < 0.5 ? -1 : 1 }
    }
}

/// What a chapter asks of a Hessian: how many top eigenvalues and how hard to look for them,
/// Hutchinson's probes, the density's Lanczos runs and the products' finite-difference step.
public struct CurvatureSettings: Codable, Sendable, Equatable, CustomStringConvertible {
    public var topK: Int
    public var tolerance: Double
    public var maxSteps: Int
    public var probes: Int
    public var densityRuns: Int
    public var densitySteps: Int
    /// The central difference's step over max(‖θ‖, 1) (`HessianOperator.relativeStep`).
    public var relativeStep: Double

    public init(topK: Int = 1, tolerance: Double = 1e-3, maxSteps: Int = 40, probes: Int = 20, densityRuns: Int = 2, densitySteps: Int = 20,
                relativeStep: Double = HessianOperator.standardRelativeStep) {
        (self.topK, self.tolerance, self.maxSteps, self.probes, self.densityRuns, self.densitySteps, self.relativeStep) =
            (topK, tolerance, maxSteps, probes, densityRuns, densitySteps, relativeStep)
    }

    /// Run records written before the step was a setting were measured at 1e-3, the step of that time.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(topK: try c.decode(Int.self, forKey: .topK), tolerance: try c.decode(Double.self, forKey: .tolerance),
                  maxSteps: try c.decode(Int.self, forKey: .maxSteps), probes: try c.decode(Int.self, forKey: .probes),
                  densityRuns: try c.decode(Int.self, forKey: .densityRuns), densitySteps: try c.decode(Int.self, forKey: .densitySteps),
                  relativeStep: try c.decodeIfPresent(Double.self, forKey: .relativeStep) ?? 1e-3)
    }

    public var description: String {
        "top \(topK) by Lanczos (tolerance \(tolerance), at most \(maxSteps) products), trace from \(probes) Rademacher probes"
            + (densityRuns == 0 ? "" : ", density from \(densityRuns) × \(densitySteps) Lanczos steps")
            + ", products by central differences of step \(relativeStep)·max(‖θ‖, 1)"
    }
}

/// The Hessian's top eigenvalues, trace and density at one point (`HessianSpectrum.measure`).
public struct CurvatureResult: Codable, Sendable, Equatable {
    public let top: HessianSpectrum.TopEigenvalues
    public let trace: HessianSpectrum.Trace
    /// Nil when the settings ask for no density runs.
    public let density: HessianSpectrum.Density?
    /// Products spent in all.
    public let products: Int
}

extension HessianSpectrum {
    /// Top eigenvalues, trace and density of `hessian` with `settings`, every draw from `seed`.
    public static func measure(_ hessian: HessianOperator, settings: CurvatureSettings, seed: UInt64) -> CurvatureResult {
        let n = hessian.dimension, before = hessian.gradientCount
        let top = topEigenvalues(hessian.product, dimension: n, k: settings.topK, tolerance: settings.tolerance,
                                 maxSteps: settings.maxSteps, seed: RandomGenerator.derive(seed: seed, "top"))
        let trace = trace(hessian.product, dimension: n, probes: settings.probes, seed: RandomGenerator.derive(seed: seed, "trace"))
        let density = settings.densityRuns == 0 ? nil
            : density(hessian.product, dimension: n, runs: settings.densityRuns, steps: settings.densitySteps,
                      seed: RandomGenerator.derive(seed: seed, "density"))
        return CurvatureResult(top: top, trace: trace, density: density, products: (hessian.gradientCount - before) / 2)
    }
}

/// What a chapter measures the Hessian on: the spectral settings, the size of the fixed training
/// subset the loss is taken on (drawn with one seed everywhere, so chapters share it), and how
/// many of the chapter's seeds get a measurement.
public struct CurvaturePlan: Sendable, Equatable {
    public var settings: CurvatureSettings
    public var images: Int
    public var seedCount: Int

    public init(settings: CurvatureSettings, images: Int, seedCount: Int = .max) {
        (self.settings, self.images, self.seedCount) = (settings, images, seedCount)
    }

    /// The first `seedCount` of `seeds`.
    public func seeds(from seeds: [UInt64]) -> [UInt64] { Array(seeds.prefix(seedCount)) }

    /// The fixed subset of `train` the Hessian's loss is taken on (another `seed` draws another
    /// subset of the same size, for the measurement's own noise).
    public func subset(of train: Dataset, seed: UInt64 = 31) -> Dataset { train.fixedSubset(count: min(images, train.count), seed: seed) }
}
