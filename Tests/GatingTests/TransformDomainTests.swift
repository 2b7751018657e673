import Testing
import FCS
import Transforms
@testable import Gating

/// Rectangles on a transformed dimension are decided in untransformed units (the fast path); the answer must be
/// the one of transforming every event (Gating-ML 2.0, FlowKit): an event where the transform is undefined
/// (flog of x ≤ 0) is in no gate, whichever bounds the rectangle has.
@Suite("Transform domains on the untransformed path")
struct TransformDomainTests {
    /// Values that probe every transform's domain and the ends of the doubles.
    static let probes: [Double] = [-.infinity, -1.7e308, -1e300, -1e6, -5, -1, -1e-300, -0.0, 0, 5e-324, 1e-300, 1e-9,
                                   0.3, 0.5, 1, 10, 100, 262_144, 1e6, 1e300, 1.7e308, .infinity, .nan]

    static func sample(_ columns: [String: [Double]]) -> Sample {
        let names = columns.keys.sorted()
        return Sample(file: "probe.fcs", keywords: Keywords(),
                      parameters: names.enumerated().map { Parameter(index: $0.offset + 1, name: $0.element) },
                      columns: names.map { ChannelValues(columns[$0] ?? []) })
    }

    static func members(_ transform: ScaleTransform, min: Double?, max: Double?, values: [Double]) throws -> [Bool] {
        let gate = RectangleGate(dimensions: [GateDimension(channel: "X", transform: "t")], minimum: [min], maximum: [max])
        let strategy = GatingStrategy(populations: [Population(id: "g", parent: nil, gate: .rectangle(gate))], transforms: ["t": transform])
        let result = try GatingEngine.evaluate(strategy, on: sample(["X": values]))
        let set = try #require(result.membership["g"])
        return values.indices.map { set.contains($0) }
    }

    @Test("flog with only a max keeps no event at or below zero")
    func logMaxOnly() throws {
        // flog(T = 10⁴, M = 4): y < 1 ⇔ 0 < x < 10⁴. Kept by hand: 1, 10, 100.
        let values: [Double] = [-5, -1, 0, 1, 10, 100, 1e5]
        let kept = try Self.members(.log(try LogTransform(T: 1e4, M: 4)), min: nil, max: 1, values: values)
        #expect(kept == [false, false, false, true, true, true, false])
    }

    @Test("fratio then flog with only a max keeps no event whose ratio is at or below zero")
    func ratioThenLog() throws {
        // ratio = (a − 0) / (b − 0); flog(T = 100, M = 2): y < 1 ⇔ 0 < ratio < 100.
        let a: [Double] = [-10, 0, 10, 10, 5000, 3]
        let b: [Double] = [1, 1, -1, 1, 1, 0]  // ratios −10, 0, −10, 10, 5000, NaN (division by zero)
        let gate = RectangleGate(dimensions: [GateDimension(ratio: "r", transform: "log")], minimum: [nil], maximum: [1])
        let strategy = GatingStrategy(populations: [Population(id: "g", parent: nil, gate: .rectangle(gate))],
                                      transforms: ["r": .ratio(RatioTransform(A: 1, B: 0, C: 0), numerator: "A", denominator: "B"),
                                                   "log": .log(try LogTransform(T: 100, M: 2))])
        let result = try GatingEngine.evaluate(strategy, on: Self.sample(["A": a, "B": b]))
        let set = try #require(result.membership["g"])
        #expect(a.indices.filter { set.contains($0) } == [3])
    }

    static let transforms: [(String, ScaleTransform)] = {
        var list: [(String, ScaleTransform)] = []
        if let t = try? LinearTransform(T: 1000, A: 100) { list.append(("flin", .linear(t))) }
        if let t = try? LogTransform(T: 262_144, M: 4.5) { list.append(("flog", .log(t))) }
        if let t = try? AsinhTransform(T: 262_144, M: 4.5, A: 1) { list.append(("fasinh", .asinh(t))) }
        if let t = try? LogicleTransform(T: 262_144, W: 0.5, M: 4.5, A: 0) { list.append(("logicle", .logicle(t))) }
        if let t = try? LogicleTransform(T: 1, W: 0.1, M: 2, A: 0.5) { list.append(("logicle small T", .logicle(t))) }
        if let t = try? HyperlogTransform(T: 262_144, W: 0.5, M: 4.5, A: 0) { list.append(("hyperlog", .hyperlog(t))) }
        if let t = try? HyperlogTransform(T: 1, W: 0.1, M: 2, A: 0.5) { list.append(("hyperlog small T", .hyperlog(t))) }
        return list
    }()

    @Test("every transform, every kind of bound: the same events as transforming each one", arguments: 0..<7)
    func everyTransform(_ index: Int) throws {
        let (name, transform) = Self.transforms[index]
        let apply = try #require(transform.transform)
        let bounds: [Double?] = [nil, -1e308, -1, 0, 0.25, 0.5, 1, 2, 1e308]
        for min in bounds {
            for max in bounds {
                if min == nil && max == nil { continue }
                if let min, let max, min >= max { continue }
                let expected = Self.probes.map { x -> Bool in
                    let y = apply.apply(x)
                    return y >= (min ?? -.infinity) && y < (max ?? .infinity)
                }
                let found = try Self.members(transform, min: min, max: max, values: Self.probes)
                let wrong = Self.probes.indices.filter { expected[$0] != found[$0] }.map { Self.probes[$0] }
                #expect(wrong.isEmpty, "\(name) min \(String(describing: min)) max \(String(describing: max)): events \(wrong) decided differently")
            }
        }
    }
}
