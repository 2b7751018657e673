// Small workspaces the harness builds as seeds (beside ../shared/flowjo's FlowJo files): FlowStudy's own export of
// the study template and of a template with every gate kind, the same without the carried template (FlowJo's gates
// are read), and with a sample-specific gate (an override).
import FCS
import Foundation
import Gating

enum FlowJoFuzzSeeds {
    /// The study template's folder (scripts/fuzz.sh runs the harness from the repository).
    static let templates = FileManager.default.currentDirectoryPath + "/gating-templates"

    /// Two channels and every gate kind FlowJo can hold: rectangle, polygon, ellipse, quadrant, boolean.
    static let kinds = #"""
    {"format": "flowstudy-gating/1",
     "transforms": {"lin": {"type": "linear", "T": 1000, "A": 0}, "biex": {"type": "logicle", "T": 262144, "W": 0.5, "M": 4.5, "A": 0}},
     "populations": [
       {"id": "cells", "parent": null, "gate": {"type": "rectangle", "dimensions": [{"channel": "X", "transform": "lin", "min": 0.002, "max": 0.9}, {"channel": "Y", "transform": "biex", "min": 0.1}]}},
       {"id": "core", "parent": "cells", "gate": {"type": "polygon", "dimensions": [{"channel": "X", "transform": "lin"}, {"channel": "Y", "transform": "biex"}],
         "vertices": [[0, 0], [0.5, 0.1], [0.5, 0.9], [0, 0.8]]}},
       {"id": "blob", "parent": "cells", "gate": {"type": "ellipse", "dimensions": [{"channel": "X", "transform": "lin"}, {"channel": "Y", "transform": "biex"}],
         "mean": [0.4, 0.5], "covariance": [[0.02, 0.005], [0.005, 0.01]], "distance_squared": 1}},
       {"id": "quad", "parent": "cells", "gate": {"type": "quadrant",
         "dividers": [{"id": "dx", "dimension": {"channel": "X", "transform": "lin"}, "cuts": [0.3]}, {"id": "dy", "dimension": {"channel": "Y", "transform": "biex"}, "cuts": [0.4]}],
         "quadrants": [{"id": "Q1", "positions": {"dx": 0, "dy": 0}}, {"id": "Q2", "positions": {"dx": 0.5, "dy": 0}},
                       {"id": "Q3", "positions": {"dx": 0, "dy": 0.5}}, {"id": "Q4", "positions": {"dx": 0.5, "dy": 0.5}}]}},
       {"id": "core-or-blob", "parent": "cells", "gate": {"type": "boolean", "op": "or", "operands": ["core", "blob"]}},
       {"id": "not-core", "parent": "cells", "gate": {"type": "boolean", "op": "not", "operands": ["core"]}}
     ]}
    """#

    static func sample(_ name: String, _ channels: [(String, String?)], spillover: Bool) -> FlowJoWorkspaceWriter.SampleFile {
        var keywords: [(String, String)] = [("$TOT", "0"), ("$PAR", "\(channels.count)")]
        if spillover {
            // Identity with one small spill, over the fluorescence channels.
            let detectors = channels.map(\.0).filter { !$0.hasPrefix("FSC") && !$0.hasPrefix("SSC") }
            var values: [String] = []
            for i in detectors.indices { for j in detectors.indices { values.append(i == j ? "1" : (i == 0 && j == 1 ? "0.05" : "0")) } }
            keywords.append(("$SPILLOVER", ([String(detectors.count)] + detectors + values).joined(separator: ",")))
        }
        let parameters = channels.enumerated().map { Parameter(index: $0.offset + 1, name: $0.element.0, marker: $0.element.1) }
        return .init(name: name, uri: "file:///fuzz/" + name,
                     sample: Sample(file: name, keywords: Keywords(keywords), parameters: parameters, columns: parameters.map { _ in ChannelValues([Double]()) }))
    }

    /// `xml` with the carried template removed: what FlowJo or another tool leaves.
    static func withoutCarried(_ xml: String) -> String {
        xml.replacingOccurrences(of: #"<Keyword name="FLOWSTUDY_TEMPLATE" value="[^"]*"/>"#, with: "", options: .regularExpression)
    }

    /// `xml` (carried template removed) with the last sample's first group gate made its own, with other bounds.
    static func sampleSpecific(_ xml: String) -> String {
        let bare = withoutCarried(xml)
        guard let last = bare.range(of: "<Sample>", options: .backwards) ?? bare.range(of: "<Sample ", options: .backwards),
              let owner = bare.range(of: #"owningGroup="FlowStudy""#, range: last.upperBound..<bare.endIndex) else { return bare }
        var edited = bare.replacingCharacters(in: owner, with: #"owningGroup="""#)
        if let bound = edited.range(of: #"gating:min="[^"]*""#, options: .regularExpression, range: owner.lowerBound..<edited.endIndex) {
            edited.replaceSubrange(bound, with: #"gating:min="3""#)
        }
        return edited
    }

    static func workspaces() -> [(String, String)] {
        let mdmChannels: [(String, String?)] = [("FSC-A", nil), ("FSC-H", nil), ("SSC-A", nil), ("BV421-A", "CD14"), ("BV510-A", "CD86"),
            ("FITC-A", "CD206"), ("PE-A", "CD163"), ("PerCP-Cy5.5-A", "CD45"), ("PE-Cy7-A", "CD204"), ("APC-A", "TLR4"),
            ("AF700-A", "HLA-DR"), ("Zombie NIR-A", "Viability")]
        var result: [(String, String)] = []
        do {
            let mdm = try TemplateReader.read(contentsOf: templates + "/mdm-macrophages.json")
            let files = [sample("P01_UT.fcs", mdmChannels, spillover: true), sample("P01_FMO.fcs", mdmChannels, spillover: true)]
            let xml = try FlowJoWorkspaceWriter.document(mdm, samples: files, group: "FlowStudy", file: "mdm.json").xml
            result += [("mdm-export.wsp", xml), ("mdm-bare.wsp", withoutCarried(xml)), ("mdm-sample-specific.wsp", sampleSpecific(xml))]
            let kinds = try TemplateReader.read(Self.kinds, name: "kinds.json")
            let xy = [sample("a.fcs", [("X", nil), ("Y", "CD3")], spillover: false), sample("b.fcs", [("X", nil), ("Y", "CD3")], spillover: false)]
            let other = try FlowJoWorkspaceWriter.document(kinds, samples: xy, group: "FlowStudy", file: "kinds.json").xml
            result += [("kinds-export.wsp", other), ("kinds-bare.wsp", withoutCarried(other)), ("kinds-sample-specific.wsp", sampleSpecific(other))]
        } catch {
            fatalError("the seed workspaces could not be built: \(error)")
        }
        return result
    }
}
