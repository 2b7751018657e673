import Foundation
import Testing
import TestSupport
import FCS
import Transforms
@testable import Gating

/// Data-driven gates in templates: reading and its errors by JSON path, writing back, and evaluation per sample
/// on a hand-built sample whose gates are known.
@Suite("Data-driven templates")
struct DataDrivenTemplateTests {
    static let template = #"""
    {"format": "flowstudy-gating/1",
     "populations": [
       {"id": "pos", "parent": null, "gate": {"type": "mindensity", "dimensions": [{"channel": "X"}], "keep": "+"}},
       {"id": "low", "parent": null, "gate": {"type": "quantile", "dimensions": [{"channel": "Y"}], "probability": 0.25, "keep": "-"}},
       {"id": "pos-in-low", "parent": "low", "gate": {"type": "ref", "population": "pos"}},
       {"id": "few", "parent": null, "gate": {"type": "tailgate", "dimensions": [{"channel": "X"}], "min_events": 5000,
         "on_failure": {"fixed": {"type": "rectangle", "dimensions": [{"channel": "X", "min": 3.5}]}}}},
       {"id": "na", "parent": null, "gate": {"type": "quantile", "dimensions": [{"channel": "X"}], "probability": 0.5, "min_events": 5000, "on_failure": "na"}},
       {"id": "na-child", "parent": "na", "gate": {"type": "rectangle", "dimensions": [{"channel": "X", "min": 0}]}},
       {"id": "dense", "parent": null, "gate": {"type": "density", "dimensions": [{"channel": "X"}, {"channel": "Y"}], "bins": 16, "sigma": 1, "gate_fraction": 0.5}}
     ]}
    """#

    /// X: 1,000 values evenly over [0, 1] then 1,000 over [3, 4] (valley at 2); Y = 2000 − i, so the lowest
    /// quarter of Y is the last 500 events, all in the right block.
    static let x: [Double] = (0..<1000).map { Double($0) / 999 } + (0..<1000).map { 3 + Double($0) / 999 }
    static let y: [Double] = (0..<2000).map { Double(2000 - $0) }
    static let sample = Sample(file: "s.fcs", keywords: Keywords(), parameters: [Parameter(index: 1, name: "X"), Parameter(index: 2, name: "Y")],
                               columns: [ChannelValues(x), ChannelValues(y)])

    func issues(_ text: String) -> [TemplateError.Issue] {
        do { _ = try TemplateReader.read(text, name: "t.json"); return [] } catch let error as TemplateError { return error.issues } catch { return [] }
    }

    @Test("each data-driven gate is evaluated on this sample's events, and every decision is recorded")
    func evaluation() throws {
        let template = try TemplateReader.read(Self.template, name: "t.json")
        let session = try GatingSession(strategy: template.strategy, sample: Self.sample)
        let result = session.result
        // mindensity: the valley near 2 keeps the right block.
        #expect(result.count("pos") == 1000)
        // type-7 quantile of 1…2000 at 0.25 = 1 + 0.25 × 1999 = 500.75; keep Y < 500.75: 500 events.
        #expect(result.count("low") == 500)
        // ref: X ≥ the cut of pos within low (all right block).
        #expect(result.count("pos-in-low") == 500)
        // 2,000 < min_events 5,000: the fixed fallback X ≥ 3.5 keeps 3 + k/999 for k ≥ 500.
        #expect(result.count("few") == 500)
        #expect(result.count("na") == 0 && result.count("na-child") == 0)
        let decisions = Dictionary(uniqueKeysWithValues: result.decisions.map { ($0.population, $0) })
        let pos = try #require(decisions["pos"])
        #expect(pos.method == "mindensity" && pos.source == .computed)
        guard case .gate(.rectangle(let r)) = pos.gate, let cut = r.minimum[0] else { Issue.record("expected a rectangle"); return }
        #expect(abs(cut - 2) < 0.05 && r.maximum[0] == nil)
        #expect(decisions["low"]?.coordinates == #"{"type": "rectangle", "dimensions": [{"channel": "Y", "compensation": "none", "max": 500.75}]}"#)
        #expect(decisions["pos-in-low"]?.flags == ["REF:pos"] && decisions["pos-in-low"]?.gate == pos.gate)
        #expect(decisions["few"]?.source == .fallback && decisions["few"]?.flags == ["TOO_FEW_EVENTS:2000<5000"])
        #expect(decisions["na"]?.gate == ComputedGate.none && decisions["na"]?.flags == ["TOO_FEW_EVENTS:2000<5000", "NA"] && decisions["na"]?.coordinates == "null")
        #expect(decisions["na-child"]?.source == .template && decisions["na-child"]?.method == "rectangle")
        // The session's strategy holds the computed gate (what plots draw).
        #expect(session.strategy.populations[0].gate == .rectangle(r))
        // density: the same events as Density2D on the same values.
        let dense = try #require(Density2D.gate(x: Self.x, y: Self.y, bins: 16, sigma: 1, gateFraction: 0.5))
        #expect(result.count("dense") == dense.mask.filter { $0 }.count)
        #expect(decisions["dense"]?.coordinates.hasPrefix(#"{"type": "bins", "dimensions": [{"channel": "X", "compensation": "none"}, {"channel": "Y", "compensation": "none"}], "x_edges": [0, 4, 16], "y_edges": [1, 2000, 16], "runs": [["#) == true)
    }

    @Test("a channel without spread (a height not recorded, a constant dye) gives no fit: the fallback decides, flagged, never a computed gate that holds nothing")
    func constantChannel() throws {
        let template = try TemplateReader.read(#"""
            {"format": "flowstudy-gating/1",
             "populations": [
               {"id": "singlets", "parent": null, "gate": {"type": "singlet", "dimensions": [{"channel": "A"}, {"channel": "H"}],
                 "on_failure": {"fixed": {"type": "polygon", "dimensions": [{"channel": "A"}, {"channel": "H"}], "vertices": [[0, -1], [100, -1], [100, 1], [0, 1]]}}}},
               {"id": "dim", "parent": null, "gate": {"type": "tailgate", "dimensions": [{"channel": "C"}], "keep": "-",
                 "on_failure": {"fixed": {"type": "range", "dimensions": [{"channel": "C", "max": 10}]}}}},
               {"id": "bright", "parent": null, "gate": {"type": "mindensity", "dimensions": [{"channel": "C"}], "keep": "+", "on_failure": "na"}}
             ]}
            """#, name: "t.json")
        // 1,000 events: A = 0…99.9, H all 0 (not recorded), C all 5.
        let a = (0..<1000).map { Double($0) / 10 }
        let sample = Sample(file: "flat.fcs", keywords: Keywords(),
                            parameters: [Parameter(index: 1, name: "A"), Parameter(index: 2, name: "H"), Parameter(index: 3, name: "C")],
                            columns: [ChannelValues(a), ChannelValues([Double](repeating: 0, count: 1000)), ChannelValues([Double](repeating: 5, count: 1000))])
        let result = try GatingSession(strategy: template.strategy, sample: sample).result
        let decisions = Dictionary(uniqueKeysWithValues: result.decisions.map { ($0.population, $0) })
        #expect(decisions["singlets"]?.source == .fallback && decisions["singlets"]?.flags == ["NO_FIT"], "\(String(describing: decisions["singlets"]))")
        // The fallback band −1 < H < 1 over 0 ≤ A < 100 holds every event.
        #expect(result.count("singlets") == 1000)
        #expect(decisions["dim"]?.source == .fallback && decisions["dim"]?.flags == ["NO_CUT"], "\(String(describing: decisions["dim"]))")
        #expect(result.count("dim") == 1000)  // C = 5 < 10
        #expect(decisions["bright"]?.flags == ["NO_CUT", "NA"] && result.count("bright") == 0)
        // With one event off the spike there is spread again, and the method decides.
        var c = [Double](repeating: 5, count: 1000)
        c[0] = 50
        let spread = Sample(file: "spread.fcs", keywords: Keywords(), parameters: sample.parameters,
                            columns: [ChannelValues(a), ChannelValues(a.map { 2 * $0 + Double(Int($0) % 3) }), ChannelValues(c)])
        let decided = try GatingSession(strategy: template.strategy, sample: spread).result.decisions
        #expect(decided.first { $0.population == "dim" }?.source == .computed)
        #expect(decided.first { $0.population == "singlets" }?.source == .computed)
    }

    @Test("on a logicle dimension: the quantile equals the one of every transformed event; mindensity is within a grid step of it")
    func transformedFastPath() throws {
        let text = #"""
        {"format": "flowstudy-gating/1", "transforms": {"lg": {"type": "logicle", "T": 262144, "W": 0.5, "M": 4.5, "A": 0}},
         "populations": [
           {"id": "q", "parent": null, "gate": {"type": "quantile", "dimensions": [{"channel": "X", "transform": "lg"}], "probability": 0.3}},
           {"id": "m", "parent": null, "gate": {"type": "mindensity", "dimensions": [{"channel": "X", "transform": "lg"}]}}
         ]}
        """#
        // Two log-uniform populations, around 10²–10^2.5 and 10⁴–10^4.5, and some negatives.
        let lower: [Double] = (0..<1000).map { (i: Int) -> Double in pow(10.0, 2.0 + Double(i) / 2000.0) }
        let upper: [Double] = (0..<1000).map { (i: Int) -> Double in pow(10.0, 4.0 + Double(i) / 2000.0) }
        let negatives: [Double] = (0..<50).map { (i: Int) -> Double in -Double(i) }
        let raw: [Double] = lower + upper + negatives
        let sample = Sample(file: "s.fcs", keywords: Keywords(), parameters: [Parameter(index: 1, name: "X")], columns: [ChannelValues(raw)])
        let session = try GatingSession(strategy: try TemplateReader.read(text, name: "t.json").strategy, sample: sample)
        let logicle = try LogicleTransform(T: 262144, W: 0.5, M: 4.5, A: 0)
        let transformed: [Double] = raw.map { logicle.apply($0) }
        var decisions: [String: GateDecision] = [:]
        for decision in session.result.decisions { decisions[decision.population] = decision }
        guard case .gate(.rectangle(let q))? = decisions["q"]?.gate, case .gate(.rectangle(let m))? = decisions["m"]?.gate else {
            Issue.record("expected rectangles"); return
        }
        #expect(q.minimum[0] == GatingMethods.quantile(transformed, probability: 0.3)?.value)
        let exact = try #require(GatingMethods.mindensity(transformed))
        let kde = try #require(KernelDensity(transformed))
        let fastCut: Double = m.minimum[0] ?? .nan
        let gridStep: Double = kde.grid[1] - kde.grid[0]
        #expect(abs(fastCut - exact.value) <= gridStep, "\(fastCut) vs \(exact.value)")
        #expect(session.result.count("m") == 1000)
    }

    @Test("cluster on logicle axes: the fit and every event's membership equal those of transforming every event")
    func clusterFastPath() throws {
        let text = #"""
        {"format": "flowstudy-gating/1", "transforms": {"lg": {"type": "logicle", "T": 262144, "W": 0.5, "M": 4.5, "A": 0}},
         "populations": [
           {"id": "c", "parent": null, "gate": {"type": "cluster", "dimensions": [{"channel": "X", "transform": "lg"}, {"channel": "Y", "transform": "lg"}],
            "target": [0.8, 0.8], "quantile": 0.9}}
         ]}
        """#
        // Two clouds, 7,500 events around (10^2.5, 10^2.5) and 22,500 around (10^4.3, 10^4.1), on deterministic spirals.
        var x: [Double] = [], y: [Double] = []
        for i in 0..<30_000 {
            let r = Double(i % 1000) / 1000, angle = Double(i) * 2.399963
            let (cx, cy) = i % 4 == 0 ? (2.5, 2.5) : (4.3, 4.1)
            x.append(pow(10, cx + 0.4 * r * cos(angle))); y.append(pow(10, cy + 0.3 * r * sin(angle)) - 50)
        }
        let sample = Sample(file: "s.fcs", keywords: Keywords(), parameters: [Parameter(index: 1, name: "X"), Parameter(index: 2, name: "Y")],
                            columns: [ChannelValues(x), ChannelValues(y)])
        let session = try GatingSession(strategy: try TemplateReader.read(text, name: "t.json").strategy, sample: sample)
        let logicle = try LogicleTransform(T: 262144, W: 0.5, M: 4.5, A: 0)
        let tx: [Double] = x.map { logicle.apply($0) }, ty: [Double] = y.map { logicle.apply($0) }
        let fit = try #require(GatingMethods.cluster(x: tx, y: ty, components: 2, target: [0.8, 0.8], quantile: 0.9))
        guard case .gate(.ellipsoid(let gate))? = session.result.decisions.first?.gate else { Issue.record("expected an ellipse"); return }
        #expect(gate.mean == fit.mean && gate.covariance == fit.covariance)
        // Membership by the definition, on every transformed event.
        let a = gate.covariance, det = a[0][0] * a[1][1] - a[0][1] * a[1][0]
        let inverse = [[a[1][1] / det, -a[0][1] / det], [-a[1][0] / det, a[0][0] / det]]
        var expected = 0, mismatched = 0
        let members = try #require(session.result.membership["c"])
        for e in 0..<x.count {
            let dx = tx[e] - gate.mean[0], dy = ty[e] - gate.mean[1]
            let d2 = dx * inverse[0][0] * dx + dx * inverse[0][1] * dy + dy * inverse[1][0] * dx + dy * inverse[1][1] * dy
            let inside = d2 <= gate.distanceSquare
            if inside { expected += 1 }
            // The inverse here is computed differently from the engine's: only events on the edge itself may differ.
            if inside != members.contains(e) && abs(d2 - gate.distanceSquare) > 1e-9 { mismatched += 1 }
        }
        #expect(mismatched == 0)
        #expect(abs(members.count - expected) <= 2 && expected > 18_000, "inside: \(expected), mean \(gate.mean)")
    }

    @Test("the same sample gives the same decisions, byte for byte")
    func deterministic() throws {
        let template = try TemplateReader.read(Self.template, name: "t.json")
        let a = try GatingSession(strategy: template.strategy, sample: Self.sample).result.decisions
        let b = try GatingSession(strategy: template.strategy, sample: Self.sample).result.decisions
        #expect(a.map(\.coordinates) == b.map(\.coordinates) && a == b)
    }

    @Test("given gates (pooled, overrides) replace the method's")
    func given() throws {
        let template = try TemplateReader.read(Self.template, name: "t.json")
        let override = GateDecision(population: "pos", method: "rectangle",
                                    gate: .gate(.rectangle(RectangleGate(dimensions: [GateDimension(channel: "X")], minimum: [3.5], maximum: [nil]))),
                                    source: .override, flags: [])
        let session = try GatingSession(strategy: template.strategy, sample: Self.sample, given: ["pos": override])
        #expect(session.result.count("pos") == 500)
        #expect(session.result.decisions.first { $0.population == "pos" }?.source == .override)
        // ref follows the overridden gate: X ≥ 3.5 within the last 500 events (k ≥ 500 of the right block).
        #expect(session.result.count("pos-in-low") == 500)
    }

    @Test("the template writes back and reads to the same methods")
    func roundTrip() throws {
        let template = try TemplateReader.read(Self.template, name: "t.json")
        let again = try TemplateReader.read(TemplateWriter.json(template), name: "again.json")
        #expect(again.strategy.populations.map(\.method) == template.strategy.populations.map(\.method))
        #expect(again.strategy.populations.map(\.gate) == template.strategy.populations.map(\.gate))
    }

    @Test("method names, argument types, ranges and dimensions are checked with JSON paths")
    func errors() {
        func gate(_ json: String) -> String {
            #"{"format": "flowstudy-gating/1", "populations": [{"id": "a", "parent": null, "gate": {"type": "rectangle", "dimensions": [{"channel": "X", "min": 0}]}}, {"id": "g", "parent": null, "gate": "#
                + json + "}]}"
        }
        func messages(_ json: String) -> [String] { issues(gate(json)).map { "\($0.path): \($0.message)" } }
        #expect(messages(#"{"type": "mindensty", "dimensions": [{"channel": "X"}]}"#).first?.hasPrefix("populations[1].gate.type: expected rectangle, polygon, ellipse, quadrant, boolean or a data-driven type (mindensity,") == true)
        #expect(messages(#"{"type": "density", "dimensions": [{"channel": "X"}, {"channel": "Y"}], "bins": "many"}"#) == ["populations[1].gate.bins: expected a whole number from 1 to 16384, found a string"])
        #expect(messages(#"{"type": "density", "dimensions": [{"channel": "X"}, {"channel": "Y"}], "gate_fraction": 1.5}"#) == ["populations[1].gate.gate_fraction: expected a fraction from 0 to 1, found 1.5"])
        #expect(messages(#"{"type": "singlet", "dimensions": [{"channel": "X"}]}"#) == ["populations[1].gate.dimensions: expected exactly 2 dimensions for singlet, found 1"])
        #expect(messages(#"{"type": "cluster", "dimensions": [{"channel": "X"}, {"channel": "Y"}]}"#) == ["populations[1].gate.target: expected target [x, y] (where the wanted cluster lies)"])
        #expect(messages(#"{"type": "quantile", "dimensions": [{"channel": "X"}], "probability": 0.5, "keep": "up"}"#) == [#"populations[1].gate.keep: expected "+" or "-", found 'up'"#])
        #expect(messages(#"{"type": "quantile", "dimensions": [{"channel": "X"}]}"#) == ["populations[1].gate.probability: expected probability (a probability from 0 to 1)"])
        #expect(messages(#"{"type": "tailgate", "dimensions": [{"channel": "X"}], "pool": true}"#) == ["populations[1].gate.group_by: expected the sample-sheet columns to pool by (pool is true)"])
        #expect(messages(#"{"type": "tailgate", "dimensions": [{"channel": "X"}], "on_failure": "stop"}"#) == [#"populations[1].gate.on_failure: expected "na" or {"fixed": <gate>}, found 'stop'"#])
        #expect(messages(#"{"type": "tailgate", "dimensions": [{"channel": "X"}], "on_failure": {"fixed": {"type": "boolean", "op": "not", "operands": ["a"]}}}"#) == ["populations[1].gate.on_failure.fixed.type: expected a rectangle, polygon or ellipse, found boolean"])
        #expect(messages(#"{"type": "ref", "population": "nowhere"}"#) == ["populations[1].gate.population: undefined population 'nowhere'"])
        #expect(messages(#"{"type": "mindensity", "dimensions": [{"channel": "X"}], "range": [2, 1], "smoothing": 3}"#).sorted() ==
                ["populations[1].gate.range: expected [low, high] with low < high",
                 "populations[1].gate.smoothing: unknown key 'smoothing' (expected one of type, dimensions, min_events, on_failure, group_by, pool, range, adjust, keep, peak_fraction, tolerance)"])
        #expect(messages(#"{"type": "boundary", "dimensions": [{"channel": "X"}, {"channel": "Y"}], "min_pile": 2, "group_by": ["subject_id"], "pool": true}"#).isEmpty)
    }
}
