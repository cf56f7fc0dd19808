import Foundation
import Tensor

/// A plane in parameter space: `point(x, y) = origin + x·e₁ + y·e₂` with `e₁ ⟂ e₂` unit vectors,
/// coordinates in the units of the parameters themselves (GAR `plane.py`, the coordinates its
/// `plane_plot.py` draws).
///
/// Built from three points by Gram–Schmidt (`through`), the plane is GAR's: `w0 ↦ (0, 0)`,
/// `w2 ↦ (dx, 0)` with `dx = ‖w2 − w0‖`, and `w1 ↦ (⟨w1 − w0, û⟩, dy)` with `dy > 0` whenever the
/// three points are not collinear. Only parameters enter (the state vector of BN running statistics
/// is not part of θ). Inner products accumulate in Double.
public struct Plane: Sendable {
    public let origin: [Float]
    /// Unit vectors `û` and `v̂`.
    public let u: [Float], v: [Float]
    /// `‖w2 − w0‖` and the length of `w1 − w0`'s component orthogonal to `û`.
    public let dx: Double, dy: Double

    /// Why no plane passes through the three points (nil when one does): two of them coincide or
    /// all three lie on one line, to within a millionth of their spacing.
    public static func degeneracy(_ w0: [Float], _ w1: [Float], _ w2: [Float]) -> String? {
        let dx = norm(difference(w2, w0))
        guard dx > 0 else { return "the first and the last point coincide" }
        var u = difference(w2, w0)
        scale(&u, by: 1 / dx)
        var v = difference(w1, w0)
        let along = dot(v, u)
        for i in v.indices { v[i] = Float(Double(v[i]) - along * Double(u[i])) }
        return norm(v) > 1e-6 * dx ? nil : "the three points lie on one line (the middle one is \(String(format: "%.2g", norm(v))) from it)"
    }

    /// GAR's plane through `w0`, `w1` (the middle point: a bend, or a third network) and `w2`.
    /// - Precondition: equal lengths, `w0 ≠ w2`, and `w1` not on the line through them (`degeneracy` is nil).
    public static func through(_ w0: [Float], _ w1: [Float], _ w2: [Float]) -> Plane {
        precondition(w0.count == w1.count && w1.count == w2.count, "plane points have lengths \(w0.count), \(w1.count), \(w2.count)")
        var u = difference(w2, w0)
        let dx = norm(u)
        precondition(dx > 0, "plane: w0 and w2 coincide")
        scale(&u, by: 1 / dx)
        // Classical Gram–Schmidt twice ("twice is enough"): when w1 lies close to the line, one
        // pass leaves v̂ visibly non-orthogonal to û in float precision.
        var v = difference(w1, w0)
        for _ in 0..<2 {
            let along = dot(v, u)
            for i in v.indices { v[i] = Float(Double(v[i]) - along * Double(u[i])) }
        }
        let dy = norm(v)
        precondition(dy > 0, "plane: w1 lies on the line through w0 and w2")
        scale(&v, by: 1 / dy)
        return Plane(origin: w0, u: u, v: v, dx: dx, dy: dy)
    }

    /// `origin + x·û + y·v̂`.
    public func point(x: Double, y: Double) -> [Float] {
        var p = origin
        for i in p.indices { p[i] = Float(Double(p[i]) + x * Double(u[i]) + y * Double(v[i])) }
        return p
    }

    /// GAR's grid point `w0 + α·dx·û + β·dy·v̂` (α = 1, β = 0 is w2; β = 1 is the height of w1).
    public func gridPoint(alpha: Double, beta: Double) -> [Float] { point(x: alpha * dx, y: beta * dy) }

    /// Coordinates `(⟨p − w0, û⟩, ⟨p − w0, v̂⟩)` of the orthogonal projection of `p`.
    public func coordinates(of p: [Float]) -> (x: Double, y: Double) {
        precondition(p.count == origin.count, "point of length \(p.count) in a plane of dimension \(origin.count)")
        let d = Self.difference(p, origin)
        return (Self.dot(d, u), Self.dot(d, v))
    }

    /// `‖p − projection(p)‖`: how far `p` lies off the plane.
    public func distance(of p: [Float]) -> Double {
        let (x, y) = coordinates(of: p)
        var r = Self.difference(p, origin)
        for i in r.indices { r[i] = Float(Double(r[i]) - x * Double(u[i]) - y * Double(v[i])) }
        return Self.norm(r)
    }

    public static func difference(_ a: [Float], _ b: [Float]) -> [Float] { WeightVector.difference(a, b) }

    public static func dot(_ a: [Float], _ b: [Float]) -> Double {
        var s = 0.0
        for i in a.indices { s += Double(a[i]) * Double(b[i]) }
        return s
    }

    public static func norm(_ a: [Float]) -> Double { dot(a, a).squareRoot() }

    public static func scale(_ a: inout [Float], by factor: Double) {
        for i in a.indices { a[i] = Float(Double(a[i]) * factor) }
    }
}

/// GAR's grid over a plane: `α, β ∈ linspace(lower, upper, G)` (default −0.2 … 1.2, G = 21).
public struct PlaneGridSpec: Codable, Hashable, Sendable {
    public var points: Int
    public var lower: Double
    public var upper: Double

    public init(points: Int, lower: Double = -0.2, upper: Double = 1.2) {
        precondition(points >= 2 && upper > lower, "a plane grid needs ≥ 2 points and upper > lower, got \(points), \(lower)…\(upper)")
        self.points = points
        self.lower = lower
        self.upper = upper
    }

    /// The G values of α (and of β).
    public var values: [Double] { (0..<points).map { lower + (upper - lower) * Double($0) / Double(points - 1) } }
}
