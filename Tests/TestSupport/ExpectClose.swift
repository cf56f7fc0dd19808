import Testing

/// `|actual − expected| ≤ atol + rtol·|expected|`, recorded as a test issue with both values otherwise.
public func expectClose(_ actual: Double, _ expected: Double, rtol: Double = 1e-5, atol: Double = 1e-6,
                        _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    let ok = abs(actual - expected) <= atol + rtol * abs(expected)
    #expect(ok, "\(comment) \(actual) vs expected \(expected) (rtol \(rtol), atol \(atol))", sourceLocation: sourceLocation)
}

public func expectClose(_ actual: Float, _ expected: Float, rtol: Float = 1e-5, atol: Float = 1e-6,
                        _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(Double(actual), Double(expected), rtol: Double(rtol), atol: Double(atol), comment, sourceLocation: sourceLocation)
}

/// Element-wise `expectClose` of two equal-length arrays; reports the count and the worst element.
public func expectClose(_ actual: [Float], _ expected: [Float], rtol: Float = 1e-5, atol: Float = 1e-6,
                        _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual.count == expected.count else {
        Issue.record("\(comment) lengths differ: \(actual.count) vs \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    var bad = 0, worst = -1, worstExcess: Float = 0
    for i in actual.indices {
        let excess = abs(actual[i] - expected[i]) - (atol + rtol * abs(expected[i]))
        if !(excess <= 0) {
            bad += 1
            if worst < 0 || !(excess <= worstExcess) { worst = i; worstExcess = excess }
        }
    }
    if bad > 0 {
        Issue.record("\(comment) \(bad)/\(actual.count) elements differ; worst [\(worst)]: \(actual[worst]) vs \(expected[worst]) (rtol \(rtol), atol \(atol))",
                     sourceLocation: sourceLocation)
    }
}
