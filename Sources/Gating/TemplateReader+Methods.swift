/// Data-driven gates in a template: every method name, argument type, range and dimension count checked, each
/// problem at its JSON path.
extension TemplateReader.Reader {
    /// The gate types with fixed coordinates.
    static let fixedTypes = ["rectangle", "range", "polygon", "ellipse", "ellipsoid", "quadrant", "boolean"]

    /// Reads a data-driven gate (`value["type"]` is one of ``GateMethod/types``).
    mutating func readMethod(_ value: JSONValue, _ path: String, type: String, context: Context) -> GateMethod? {
        let common = ["type", "dimensions", "min_events", "on_failure", "group_by", "pool"]
        let arguments: [String]
        let dimensionCount: ClosedRange<Int>
        switch type {
        case "mindensity": arguments = ["range", "adjust", "keep", "peak_fraction", "tolerance"]; dimensionCount = 1...1
        case "tailgate": arguments = ["keep", "tolerance", "adjust"]; dimensionCount = 1...1
        case "quantile": arguments = ["probability", "keep"]; dimensionCount = 1...1
        case "singlet": arguments = ["width"]; dimensionCount = 2...2
        case "boundary": arguments = ["min_pile"]; dimensionCount = 1...StructuralLimits.gateDimensions
        case "density": arguments = ["bins", "sigma", "gate_fraction", "ranges"]; dimensionCount = 2...2
        case "cluster": arguments = ["components", "target", "quantile"]; dimensionCount = 2...2
        default: arguments = ["population"]; dimensionCount = 0...0
        }
        keys(value, path, allowed: common + arguments)
        var dimensions: [GateDimension] = []
        if dimensionCount.upperBound == 0 {
            if value["dimensions"] != nil { issue("\(path).dimensions", value["dimensions"], "expected no dimensions for ref (it reuses the referenced gate's)") }
        } else {
            guard let items = value["dimensions"]?.array else {
                issue("\(path).dimensions", value["dimensions"] ?? value, "expected an array of \(dimensionCount.lowerBound == dimensionCount.upperBound ? "\(dimensionCount.lowerBound)" : "1 or more") dimension\(dimensionCount.upperBound == 1 ? "" : "s") for \(type)")
                return nil
            }
            guard dimensionCount.contains(items.count) else {
                issue("\(path).dimensions", value["dimensions"], "expected \(dimensionCount.lowerBound == dimensionCount.upperBound ? "exactly \(dimensionCount.lowerBound)" : "1 to \(dimensionCount.upperBound)") dimension\(dimensionCount.upperBound == 1 ? "" : "s") for \(type), found \(items.count)")
                return nil
            }
            dimensions = items.enumerated().compactMap { readDimension($1, "\(path).dimensions[\($0)]", context: context, bounds: false)?.0 }
            guard dimensions.count == items.count else { return nil }
        }
        var ok = true
        /// A number argument: `default` when absent; `check` says what the value must be.
        func argument(_ key: String, _ fallback: Double?, _ what: String, _ check: (Double) -> Bool) -> Double? {
            guard let v = value[key] else {
                if fallback == nil { issue("\(path).\(key)", value, "expected \(key) (\(what))"); ok = false }
                return fallback
            }
            guard let n = v.number else { issue("\(path).\(key)", v, "expected \(what), found \(v.typeName)"); ok = false; return nil }
            guard check(n) else { issue("\(path).\(key)", v, "expected \(what), found \(n)"); ok = false; return nil }
            return n
        }
        func whole(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) -> Int {
            let n = argument(key, Double(fallback), "a whole number from \(range.lowerBound) to \(range.upperBound)") {
                $0 == $0.rounded() && $0 >= Double(range.lowerBound) && $0 <= Double(range.upperBound)
            }
            return n.map { Int($0) } ?? fallback
        }
        func side(_ key: String) -> GatingMethods.Side {
            guard let v = value[key] else { return .above }
            if let text = v.string, let s = GatingMethods.Side(rawValue: text) { return s }
            issue("\(path).\(key)", v, "expected \"+\" or \"-\", found \(v.string.map { "'\($0)'" } ?? v.typeName)")
            ok = false
            return .above
        }
        func pair(_ v: JSONValue?, _ p: String) -> [Double]? {
            guard let v else { return nil }
            guard let items = numbers(v, p, count: 2) else { ok = false; return nil }
            return items
        }
        let positive: (Double) -> Bool = { $0 > 0 && $0.isFinite }
        let open01: (Double) -> Bool = { $0 > 0 && $0 < 1 }
        let kind: GateMethod.Kind?
        switch type {
        case "mindensity":
            var range: ClosedRange<Double>?
            if let r = pair(value["range"], "\(path).range") {
                if r[0] < r[1] { range = r[0]...r[1] } else { issue("\(path).range", value["range"], "expected [low, high] with low < high"); ok = false }
            }
            let adjust = argument("adjust", 1, "a positive number", positive)
            let fraction = argument("peak_fraction", 0.05, "a number from 0 to 1", { (0...1).contains($0) })
            let tolerance = argument("tolerance", 0.01, "a number between 0 and 1", open01)
            kind = .mindensity(range: range, adjust: adjust ?? 1, keep: side("keep"), peakFraction: fraction ?? 0.05, tolerance: tolerance ?? 0.01)
        case "tailgate":
            let tolerance = argument("tolerance", 0.01, "a number between 0 and 1", open01)
            let adjust = argument("adjust", 1, "a positive number", positive)
            kind = .tailgate(keep: side("keep"), tolerance: tolerance ?? 0.01, adjust: adjust ?? 1)
        case "quantile":
            let p = argument("probability", nil, "a probability from 0 to 1", { (0...1).contains($0) })
            kind = .quantile(probability: p ?? 0.5, keep: side("keep"))
        case "singlet":
            kind = .singlet(width: argument("width", 4, "a positive number of robust SDs", positive) ?? 4)
        case "boundary":
            kind = .boundary(minimumPile: whole("min_pile", 2, 1...Int(StructuralLimits.minEvents)))
        case "density":
            let bins = whole("bins", 1024, 1...16_384)
            let sigma = argument("sigma", 10, "a positive number of bins", positive)
            let fraction = argument("gate_fraction", 0.65, "a fraction from 0 to 1", { (0...1).contains($0) })
            var ranges: [[Double]]?
            if let r = value["ranges"] {
                if let items = r.array, items.count == 2 {
                    let read = items.enumerated().compactMap { pair($1, "\(path).ranges[\($0)]") }
                    if read.count == 2 {
                        if read.allSatisfy({ $0[0] < $0[1] }) { ranges = read }
                        else { issue("\(path).ranges", r, "expected [[x low, x high], [y low, y high]] with low < high"); ok = false }
                    }
                } else {
                    issue("\(path).ranges", r, "expected [[x low, x high], [y low, y high]], found \(r.array.map { "\($0.count) items" } ?? r.typeName)"); ok = false
                }
            }
            kind = .density(bins: bins, sigma: sigma ?? 10, gateFraction: fraction ?? 0.65, ranges: ranges)
        case "cluster":
            let components = whole("components", 2, 1...10)
            var target: [Double]?
            if let t = value["target"] { target = pair(t, "\(path).target") } else { issue("\(path).target", value, "expected target [x, y] (where the wanted cluster lies)"); ok = false }
            let quantile = argument("quantile", 0.95, "a probability between 0 and 1", open01)
            kind = .cluster(components: components, target: target ?? [0, 0], quantile: quantile ?? 0.95)
        default:
            let other = string(value["population"], "\(path).population", parent: value)
            kind = other.map { GateMethod.Kind.ref($0) }
        }
        let minEvents = whole("min_events", 100, 0...Int(StructuralLimits.minEvents))
        var failure = GateMethod.Failure.na
        if let f = value["on_failure"] {
            if f.string == "na" {
                failure = .na
            } else if let object = f.members != nil ? f : nil {
                keys(object, "\(path).on_failure", allowed: ["fixed"])
                if let gate = readGate(object["fixed"], "\(path).on_failure.fixed", parent: object, context: context) {
                    switch gate {
                    case .boolean, .quadrant:
                        issue("\(path).on_failure.fixed.type", object["fixed"]?["type"], "expected a rectangle, polygon or ellipse, found \(gate.typeName)"); ok = false
                    default:
                        failure = .fixed(gate)
                    }
                } else { ok = false }
            } else {
                issue("\(path).on_failure", f, "expected \"na\" or {\"fixed\": <gate>}, found \(f.string.map { "'\($0)'" } ?? f.typeName)"); ok = false
            }
        }
        let groupBy = value["group_by"].map { strings($0, "\(path).group_by") } ?? []
        var pool = false
        if let p = value["pool"] {
            if let b = p.bool { pool = b } else { issue("\(path).pool", p, "expected true or false, found \(p.typeName)"); ok = false }
        }
        if pool && groupBy.isEmpty { issue("\(path).group_by", value, "expected the sample-sheet columns to pool by (pool is true)"); ok = false }
        if !pool && !groupBy.isEmpty { issue("\(path).pool", value, "expected pool: true with group_by (gates are pooled per group)"); ok = false }
        if type == "ref" && (pool || value["min_events"] != nil || value["on_failure"] != nil) {
            issue(path, value, "expected only population for ref (it takes the referenced gate as it is)"); ok = false
        }
        guard ok, let kind else { return nil }
        return GateMethod(kind: kind, dimensions: dimensions, minEvents: minEvents, onFailure: failure, groupBy: groupBy, pool: pool)
    }

    /// `ref` names a population with coordinates (not boolean or quadrant) defined in the template.
    mutating func checkReferences(_ strategy: GatingStrategy, root: JSONValue) {
        let items = root["populations"]?.array ?? []
        var byID: [String: Population] = [:]
        for p in strategy.populations where byID[p.id] == nil { byID[p.id] = p }
        for (i, item) in items.enumerated() {
            guard let id = item["id"]?.string, let population = byID[id], case .ref(let other)? = population.method?.kind else { continue }
            let path = "populations[\(i)].gate.population"
            guard let target = byID[other] else { issue(path, item["gate"]?["population"], "undefined population '\(other)'"); continue }
            if target.method == nil, case .boolean = target.gate { issue(path, item["gate"]?["population"], "expected a population with a gate of coordinates, found boolean '\(other)'") }
            if target.method == nil, case .quadrant = target.gate { issue(path, item["gate"]?["population"], "expected a population with a gate of coordinates, found quadrant gate '\(other)'") }
        }
    }
}
