extension TemplateWriter {
    /// A data-driven gate as its template JSON (every argument written, defaults included, so the text says
    /// exactly what runs).
    public static func method(_ method: GateMethod) -> String {
        var members = [("type", quote(method.name))]
        if !method.dimensions.isEmpty {
            members.append(("dimensions", "[" + method.dimensions.map { dimension($0) }.joined(separator: ", ") + "]"))
        }
        func pair(_ values: [Double]) -> String { "[" + values.map(number).joined(separator: ", ") + "]" }
        switch method.kind {
        case .mindensity(let range, let adjust, let keep, let peakFraction, let tolerance):
            if let range { members.append(("range", pair([range.lowerBound, range.upperBound]))) }
            members += [("adjust", number(adjust)), ("keep", quote(keep.rawValue)), ("peak_fraction", number(peakFraction)),
                        ("tolerance", number(tolerance))]
        case .tailgate(let keep, let tolerance, let adjust):
            members += [("keep", quote(keep.rawValue)), ("tolerance", number(tolerance)), ("adjust", number(adjust))]
        case .quantile(let probability, let keep):
            members += [("probability", number(probability)), ("keep", quote(keep.rawValue))]
        case .singlet(let width):
            members.append(("width", number(width)))
        case .boundary(let pile):
            members.append(("min_pile", "\(pile)"))
        case .density(let bins, let sigma, let fraction, let ranges):
            members += [("bins", "\(bins)"), ("sigma", number(sigma)), ("gate_fraction", number(fraction))]
            if let ranges { members.append(("ranges", "[" + ranges.map(pair).joined(separator: ", ") + "]")) }
        case .cluster(let components, let target, let quantile):
            members += [("components", "\(components)"), ("target", pair(target)), ("quantile", number(quantile))]
        case .ref(let population):
            members.append(("population", quote(population)))
            return inline(members)
        }
        members.append(("min_events", "\(method.minEvents)"))
        switch method.onFailure {
        case .na: members.append(("on_failure", quote("na")))
        case .fixed(let g): members.append(("on_failure", inline([("fixed", gate(g))])))
        }
        if method.pool {
            members += [("group_by", "[" + method.groupBy.map(quote).joined(separator: ", ") + "]"), ("pool", "true")]
        }
        return inline(members)
    }
}
