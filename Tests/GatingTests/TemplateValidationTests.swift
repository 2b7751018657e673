import Foundation
import Testing
import TestSupport
import FCS
@testable import Gating

/// Each class of template mistake is reported with its JSON path and line, all at once; malformed Gating-ML
/// names the element path; nothing crashes.
@Suite("Template validation")
struct TemplateValidationTests {
    static let base = """
    {
      "format": "flowstudy-gating/1",
      "panel": [{"marker": "CD14", "aliases": ["LPS-R"], "channels": ["BV421-A"]}],
      "compensation": {"source": "file"},
      "transforms": {"logicle": {"type": "logicle", "T": 262144, "W": 0.5, "M": 4.5, "A": 0}},
      "populations": [
        {"id": "cells", "parent": null, "gate": {"type": "polygon", "dimensions": [{"channel": "FSC-A"}, {"channel": "SSC-A"}],
          "vertices": [[0, 0], [100, 0], [100, 100]]}},
        {"id": "mono", "parent": "cells", "gate": {"type": "rectangle",
          "dimensions": [{"marker": "CD14", "compensated": true, "transform": "logicle", "min": 0.5}]}}
      ]
    }
    """

    func issues(_ text: String) -> [TemplateError.Issue] {
        do {
            _ = try TemplateReader.read(text, name: "t.json")
            return []
        } catch let error as TemplateError {
            return error.issues
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    @Test("the base template is valid")
    func valid() { #expect(issues(Self.base).isEmpty) }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var replace: String
        var with: String
        var path: String
        var message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "vertex that is not [x, y]", replace: "[100, 100]]", with: "[100]]", path: "populations[0].gate.vertices[2]", message: "expected [x, y]"),
        Case(name: "unknown key", replace: #""id": "mono","#, with: #""id": "mono", "colour": "red","#, path: "populations[1].colour", message: "unknown key 'colour'"),
        Case(name: "undefined parent", replace: #""parent": "cells""#, with: #""parent": "cellz""#, path: "populations[1].parent", message: "undefined parent 'cellz'"),
        Case(name: "parent cycle", replace: #""id": "cells", "parent": null"#, with: #""id": "cells", "parent": "mono""#, path: "populations[0].parent", message: "cycle"),
        Case(name: "duplicate id", replace: #""id": "mono""#, with: #""id": "cells""#, path: "populations[1].id", message: "duplicate population id 'cells'"),
        Case(name: "unknown marker", replace: #""marker": "CD14", "compensated""#, with: #""marker": "CD16", "compensated""#, path: "populations[1].gate.dimensions[0].marker", message: "expected a marker of the panel"),
        Case(name: "unknown transform", replace: #""transform": "logicle""#, with: #""transform": "biex""#, path: "populations[1].gate.dimensions[0].transform", message: "expected the id of a transform"),
        Case(name: "unknown gate type", replace: #""type": "rectangle""#, with: #""type": "circle""#, path: "populations[1].gate.type", message: "expected rectangle, polygon"),
        Case(name: "wrong format", replace: "flowstudy-gating/1", with: "flowstudy-gating/9", path: "format", message: "expected \"flowstudy-gating/1\""),
        Case(name: "bad transform parameter", replace: #""W": 0.5"#, with: #""W": 4"#, path: "transforms.logicle", message: "logicle"),
        Case(name: "number expected", replace: #""min": 0.5"#, with: #""min": "half""#, path: "populations[1].gate.dimensions[0].min", message: "expected a number, found a string"),
        Case(name: "rectangle without bounds", replace: #", "min": 0.5"#, with: "", path: "populations[1].gate.dimensions[0]", message: "expected min, max or both"),
        Case(name: "compensation source", replace: #""source": "file""#, with: #""source": "magic""#, path: "compensation.source", message: "expected file, none, matrix, csv or json"),
        Case(name: "JSON syntax", replace: #""panel": ["#, with: #""panel" ["#, path: "", message: "invalid JSON"),
        Case(name: "number beyond a double", replace: #""min": 0.5"#, with: #""min": 1e999"#, path: "", message: "expected a number within ±1.8e308, found 1e999"),
    ]

    @Test("each mistake is named with its JSON path and line", arguments: cases)
    func mistake(_ c: Case) throws {
        #expect(Self.base.contains(c.replace), "the case edits text that exists")
        let found = issues(Self.base.replacingOccurrences(of: c.replace, with: c.with))
        #expect(found.contains { $0.path == c.path && $0.message.contains(c.message) && $0.line != nil },
                "\(c.name): \(found.map(\.description))")
    }

    @Test("several mistakes are all reported at once, in order")
    func allAtOnce() {
        let broken = Self.base.replacingOccurrences(of: "[100, 100]]", with: "[100]]")
            .replacingOccurrences(of: #""parent": "cells""#, with: #""parent": "cellz""#)
            .replacingOccurrences(of: #""transform": "logicle""#, with: #""transform": "biex""#)
        let found = issues(broken)
        #expect(found.count == 3, "\(found)")
        #expect(found.first?.line == 8)
    }

    @Test("the line number points at the offending value")
    func lineNumbers() {
        let found = issues(Self.base.replacingOccurrences(of: #""min": 0.5"#, with: #""min": "half""#))
        #expect(found.first?.line == 10)
    }

    @Test("--sample: a marker the sample does not carry is reported")
    func markerMissingFromSample() throws {
        let template = try TemplateReader.read(Self.base, name: "t.json")
        let parameters = [Parameter(index: 1, name: "FSC-A"), Parameter(index: 2, name: "SSC-A"), Parameter(index: 3, name: "FITC-A", marker: "CD206")]
        let sample = Sample(file: "s.fcs", keywords: Keywords(), parameters: parameters, columns: [ChannelValues([1] as [Float]), ChannelValues([1] as [Float]), ChannelValues([1] as [Float])])
        #expect { try template.strategy(for: sample) } throws: { error in
            guard let error = error as? GatingError else { return false }
            return error.code == .unknownChannel && error.message.contains("CD14")
        }
    }

    @Test("markers resolve by $PnS aliases, ignoring case and punctuation, then by $PnN")
    func markerAliases() throws {
        let text = Self.base.replacingOccurrences(of: #""aliases": ["LPS-R"]"#, with: #""aliases": ["MHCII", "MHC-II"]"#)
        let template = try TemplateReader.read(text, name: "t.json")
        func sample(_ marker: String?, _ name: String) -> Sample {
            Sample(file: "s.fcs", keywords: Keywords(), parameters: [Parameter(index: 1, name: name, marker: marker)], columns: [ChannelValues([1] as [Float])])
        }
        #expect(try template.channel(forMarker: "CD14", in: sample("mhc ii", "AF700-A")) == "AF700-A")
        #expect(try template.channel(forMarker: "CD14", in: sample("cd-14", "X")) == "X")
        #expect(try template.channel(forMarker: "CD14", in: sample(nil, "BV421-A")) == "BV421-A")
    }

    @Test("malformed Gating-ML: typed errors with the element path")
    func malformedGatingML() {
        let header = #"<gating:Gating-ML xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating" xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes">"#
        let documents: [(String, String)] = [
            ("<notxml", "/notxml"),  // ill-formed XML: the path of the element open where it broke
            ("<other/>", "/"),
            (header + #"<gating:RectangleGate><gating:dimension gating:min="1"><data-type:fcs-dimension data-type:name="A"/></gating:dimension></gating:RectangleGate></gating:Gating-ML>"#,
             "/Gating-ML/RectangleGate[1]"),
            (header + #"<gating:RectangleGate gating:id="R"><gating:dimension gating:min="x"><data-type:fcs-dimension data-type:name="A"/></gating:dimension></gating:RectangleGate></gating:Gating-ML>"#,
             "/Gating-ML/RectangleGate[1]/dimension[1]"),
            (header + #"<gating:PolygonGate gating:id="P"><gating:dimension><data-type:fcs-dimension data-type:name="A"/></gating:dimension></gating:PolygonGate></gating:Gating-ML>"#,
             "/Gating-ML/PolygonGate[1]"),
            (header + #"<gating:BooleanGate gating:id="B"><gating:and><gating:gateReference gating:ref="X"/></gating:and></gating:BooleanGate></gating:Gating-ML>"#,
             "/Gating-ML/BooleanGate[1]"),
        ]
        for (text, path) in documents {
            #expect { try GatingMLReader.read(Data(text.utf8), name: "bad.xml") } throws: { error in
                (error as? GatingMLError)?.path == path && (error as? GatingMLError)?.file == "bad.xml"
            }
        }
    }
}
