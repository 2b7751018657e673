import Foundation
import Testing
import FCS
@testable import Gating

/// Per-sample overrides (`flowstudy-overrides/1`): read against a template, applied to one sample only, written back
/// identically, and every malformed document refused with its JSON path.
@Suite("Per-sample gate overrides")
struct GateOverridesTests {
    /// Two channels, a rectangle on X and a polygon on X/Y below it, and a quadrant and a boolean beside them.
    static let template = #"""
    {"format": "flowstudy-gating/1",
     "transforms": {"lin": {"type": "linear", "T": 100, "A": 0}},
     "populations": [
       {"id": "cells", "parent": null, "gate": {"type": "rectangle", "dimensions": [{"channel": "X", "min": 2}]}},
       {"id": "core", "parent": "cells", "gate": {"type": "polygon", "dimensions": [{"channel": "X"}, {"channel": "Y"}],
         "vertices": [[0, 0], [10, 0], [10, 10], [0, 10]]}},
       {"id": "quad", "parent": "cells", "gate": {"type": "quadrant",
         "dividers": [{"id": "dx", "dimension": {"channel": "X"}, "cuts": [5]}],
         "quadrants": [{"id": "low", "positions": {"dx": 0}}, {"id": "high", "positions": {"dx": 9}}]}},
       {"id": "not-core", "parent": "cells", "gate": {"type": "boolean", "op": "not", "operands": ["core"]}}
     ]}
    """#

    /// X = 1…10, Y = 10 × X: `cells` keeps X ≥ 2 (9 events); `core` keeps Y < 10 inside it, i.e. none
    /// (Y ≥ 20 there).
    static let sample = Sample(file: "s.fcs", keywords: Keywords(), parameters: [Parameter(index: 1, name: "X"), Parameter(index: 2, name: "Y")],
                               columns: [ChannelValues((1...10).map(Double.init)), ChannelValues((1...10).map { Double($0 * 10) })])

    static func loaded() throws -> GatingTemplate { try TemplateReader.read(template, name: "t.json") }

    static let document = #"""
    {"format": "flowstudy-overrides/1", "template": "t.json",
     "samples": {
       "P01_UT": {
         "cells": {"reason": "scatter drift: X threshold lowered", "gate": {"type": "rectangle", "dimensions": [{"channel": "X", "min": 5}]}},
         "core": {"reason": "widened to the bulk", "gate": {"type": "polygon", "dimensions": [{"channel": "X"}, {"channel": "Y"}],
                  "vertices": [[0, 0], [100, 0], [100, 75], [0, 75]]}}
       },
       "P02_UT": {"quad": {"reason": "cut moved", "gate": {"type": "quadrant",
         "dividers": [{"id": "dx", "dimension": {"channel": "X"}, "cuts": [8]}],
         "quadrants": [{"id": "low", "positions": {"dx": 0}}, {"id": "high", "positions": {"dx": 9}}]}}}
     }}
    """#

    @Test("an override replaces the gate for its sample only: counts by hand")
    func appliesToItsSampleOnly() throws {
        let template = try Self.loaded()
        let overrides = try GateOverrides.read(Self.document, name: "o.json", template: template, sampleIDs: ["P01_UT", "P02_UT", "P03_UT"])
        #expect(overrides.overrides.map(\.population) == ["cells", "core", "quad"])
        #expect(overrides.template == "t.json")

        let base = try template.strategy(for: Self.sample)
        let plain = try GatingEngine.evaluate(base, on: Self.sample)
        #expect(plain.count("cells") == 9)   // X = 2…10
        #expect(plain.count("core") == 0)    // Y = 20…100, all ≥ 10

        // P01_UT: cells keeps X ≥ 5 (6 events: 5…10); core keeps X < 100, Y < 75 among them: Y = 50, 60, 70 (3 events).
        let p01 = try GatingEngine.evaluate(overrides.strategy(base, forSample: "P01_UT"), on: Self.sample)
        #expect(p01.count("cells") == 6)
        #expect(p01.count("core") == 3)
        #expect(p01.count("not-core") == 3)  // the boolean follows the overridden operand

        // P02_UT: the quadrant cut at 8 splits X = 2…10 into 2…7 (6 events) and 8…10 (3 events).
        let p02 = try GatingEngine.evaluate(overrides.strategy(base, forSample: "P02_UT"), on: Self.sample)
        #expect(p02.count("low") == 6)
        #expect(p02.count("high") == 3)
        #expect(p02.count("cells") == 9)

        // A sample without overrides gates as the template does.
        let p03 = try GatingEngine.evaluate(overrides.strategy(base, forSample: "P03_UT"), on: Self.sample)
        #expect(p03.count("cells") == plain.count("cells"))
        #expect(p03.count("low") == 3)  // cut at 5: X = 2, 3, 4
    }

    @Test("written and read back, the overrides are the same values; writing again gives the same bytes")
    func roundTrip() throws {
        let template = try Self.loaded()
        let first = try GateOverrides.read(Self.document, name: "o.json", template: template)
        let text = GateOverrides.json(first)
        let second = try GateOverrides.read(text, name: "written.json", template: template)
        #expect(second == first)
        #expect(GateOverrides.json(second) == text)
        #expect(GateOverrides.json(GateOverrides()) == "{\n  \"format\": \"flowstudy-overrides/1\",\n  \"samples\": {}\n}\n")
    }

    @Test("the default file sits beside the template, named after it")
    func defaultPath() {
        #expect(GateOverrides.defaultPath(forTemplate: "/data/gating-templates/mdm.json") == "/data/gating-templates/mdm.overrides.json")
    }

    @Test("every problem is reported with its JSON path", arguments: [
        (#"{"format": "flowstudy-overrides/2", "samples": {}}"#, "format", "expected \"flowstudy-overrides/1\""),
        (#"{"format": "flowstudy-overrides/1", "sample": {}}"#, "sample", "unknown key 'sample'"),
        (#"{"format": "flowstudy-overrides/1", "samples": {"P09": {"cells": {"reason": "r", "gate": {"type": "rectangle", "dimensions": [{"channel": "X", "min": 1}]}}}}}"#,
         "samples.P09", "expected a sample id of the run, found 'P09'"),
        (#"{"format": "flowstudy-overrides/1", "samples": {"P01_UT": {"macrophages": {"reason": "r", "gate": {"type": "rectangle", "dimensions": [{"channel": "X"}]}}}}}"#,
         "samples.P01_UT.macrophages", "expected a population (gate id) of the template, found 'macrophages'"),
        (#"{"format": "flowstudy-overrides/1", "samples": {"P01_UT": {"not-core": {"reason": "r", "gate": {"type": "rectangle", "dimensions": [{"channel": "X"}]}}}}}"#,
         "samples.P01_UT.not-core", "found boolean population 'not-core'"),
        (#"{"format": "flowstudy-overrides/1", "samples": {"P01_UT": {"cells": {"gate": {"type": "rectangle", "dimensions": [{"channel": "X"}]}}}}}"#,
         "samples.P01_UT.cells.reason", "expected a string"),
        (#"{"format": "flowstudy-overrides/1", "samples": {"P01_UT": {"cells": {"reason": " ", "gate": {"type": "rectangle", "dimensions": [{"channel": "X"}]}}}}}"#,
         "samples.P01_UT.cells.reason", "expected a reason, found an empty string"),
        (#"{"format": "flowstudy-overrides/1", "samples": {"P01_UT": {"core": {"reason": "r", "gate": {"type": "polygon", "dimensions": [{"channel": "X"}, {"channel": "Y"}], "vertices": [[0, 0], [1]]}}}}}"#,
         "samples.P01_UT.core.gate.vertices", "expected at least 3 vertices"),
        (#"{"format": "flowstudy-overrides/1", "samples": {"P01_UT": {"cells": {"reason": "r", "gate": {"type": "rectangle", "dimensions": [{"channel": "X", "transform": "logicle"}]}}}}}"#,
         "samples.P01_UT.cells.gate.dimensions[0].transform", "logicle"),
        (#"{"format": "flowstudy-overrides/1", "samples": {"P01_UT": {"quad": {"reason": "r", "gate": {"type": "quadrant", "dividers": [{"id": "dx", "dimension": {"channel": "X"}, "cuts": [8]}], "quadrants": [{"id": "low", "positions": {"dx": 0}}]}}}}}"#,
         "samples.P01_UT.quad.gate.quadrants", "expected the template's quadrants"),
        (#"{"format": "flowstudy-overrides/1", "samples": {"P01_UT": {"cells": {"reason": "a", "gate": {"type": "rectangle", "dimensions": [{"channel": "X"}]}}, "cells": {"reason": "b", "gate": {"type": "rectangle", "dimensions": [{"channel": "X"}]}}}}}"#,
         "samples.P01_UT.cells", "found 'cells' again"),
        (#"{"format": "flowstudy-overrides/1", "samples": {"P01_UT": "#, "", "invalid JSON"),
    ])
    func problems(text: String, path: String, message: String) throws {
        let template = try Self.loaded()
        let error = try #require(throws: TemplateError.self) {
            try GateOverrides.read(text, name: "o.json", template: template, sampleIDs: ["P01_UT", "P02_UT"])
        }
        #expect(error.file == "o.json")
        #expect(error.issues.contains { $0.path == path && $0.message.contains(message) }, "\(error.issues)")
    }
}
