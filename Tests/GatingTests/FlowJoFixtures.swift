import Foundation
import Testing
import FCS
@testable import Gating

/// Small FlowJo 10 workspaces written by the tests themselves (the element layout of the shipped FlowJo files,
/// without their display settings), and in-memory samples whose counts are known by hand.
enum FlowJoFixtures {
    /// One `Population` or boolean node with its children.
    struct Node {
        var element = "Population"
        var name: String
        var owner: String
        /// The gating element (`<gating:RectangleGate …>…`) for a population, or the Dependents for a boolean node.
        var body: String
        var children: [Node] = []
        var count = -1

        func xml(_ gateID: inout Int, parentGate: Int?) -> String {
            var text = #"<\#(element) name="\#(name)" annotation="" owningGroup="\#(owner)" count="\#(count)">"#
            var mine: Int?
            if element == "Population" {
                gateID += 1
                mine = gateID
                text += #"<Gate gating:id="ID\#(gateID)""# + (parentGate.map { #" gating:parent_id="ID\#($0)""# } ?? "") + ">" + body + "</Gate>"
            } else {
                text += body
            }
            if !children.isEmpty {
                text += "<Subpopulations>" + children.map { $0.xml(&gateID, parentGate: mine) }.joined() + "</Subpopulations>"
            }
            return text + "</\(element)>"
        }
    }

    static func dimension(_ name: String, min: Double? = nil, max: Double? = nil) -> String {
        var bounds = ""
        if let min { bounds += #" gating:min="\#(min)""# }
        if let max { bounds += #" gating:max="\#(max)""# }
        return #"<gating:dimension\#(bounds)><data-type:fcs-dimension data-type:name="\#(FlowJoWorkspaceWriter.attribute(name))"/></gating:dimension>"#
    }

    /// A rectangle population: `(channel, min, max)` per dimension.
    static func rectangle(_ name: String, owner: String = "G", _ dimensions: [(String, Double?, Double?)], children: [Node] = []) -> Node {
        Node(name: name, owner: owner, body: #"<gating:RectangleGate eventsInside="1">"# + dimensions.map { dimension($0.0, min: $0.1, max: $0.2) }.joined()
             + "</gating:RectangleGate>", children: children)
    }

    /// A polygon population on two channels.
    static func polygon(_ name: String, owner: String = "G", _ x: String, _ y: String, _ vertices: [[Double]], children: [Node] = []) -> Node {
        let points = vertices.map { v in "<gating:vertex>" + v.map { #"<gating:coordinate data-type:value="\#($0)"/>"# }.joined() + "</gating:vertex>" }
        return Node(name: name, owner: owner, body: #"<gating:PolygonGate eventsInside="1">"# + dimension(x) + dimension(y) + points.joined()
                    + "</gating:PolygonGate>", children: children)
    }

    /// An `AndNode`, `OrNode` or `NotNode`.
    static func boolean(_ element: String, _ name: String, owner: String = "G", _ dependents: [String], children: [Node] = []) -> Node {
        Node(element: element, name: name, owner: owner,
             body: "<Dependents>" + dependents.map { #"<Dependent name="\#($0)"/>"# }.joined() + "</Dependents>", children: children)
    }

    /// A `transforms:spilloverMatrix`; rows are spillover (from detector → into each detector).
    static func matrix(name: String, id: String? = nil, prefix: String = "Comp-", detectors: [String], rows: [[Double]]) -> String {
        var text = #"<transforms:spilloverMatrix spectral="0" prefix="\#(prefix)" name="\#(name)" suffix="""# + (id.map { #" transforms:id="\#($0)""# } ?? "") + ">"
        text += "<data-type:parameters>" + detectors.map { #"<data-type:parameter data-type:name="\#($0)"/>"# }.joined() + "</data-type:parameters>"
        for (from, row) in zip(detectors, rows) {
            text += #"<transforms:spillover data-type:parameter="\#(from)">"#
            text += zip(detectors, row).map { #"<transforms:coefficient data-type:parameter="\#($0)" transforms:value="\#($1)"/>"# }.joined()
            text += "</transforms:spillover>"
        }
        return text + "</transforms:spilloverMatrix>"
    }

    /// One `Sample`: `$PnN`/`$PnS` keywords, an optional matrix (or matrix reference) and transforms, the gate tree.
    static func sample(id: String, name: String, count: Int, channels: [(name: String, marker: String?)], matrix: String = "",
                       transforms: String = "", extra: String = "", nodes: [Node]) -> String {
        var keywords = [#"<Keyword name="$PAR" value="\#(channels.count)"/>"#]
        for (n, channel) in channels.enumerated() {
            keywords.append(#"<Keyword name="$P\#(n + 1)N" value="\#(channel.name)"/>"#)
            keywords.append(#"<Keyword name="$P\#(n + 1)S" value="\#(channel.marker ?? "")"/>"#)
        }
        var gateID = Int(id).map { $0 * 1000 } ?? 0
        return #"<Sample><DataSet uri="file:/V:/data/\#(name)" sampleID="\#(id)"/>"# + matrix
            + "<Transformations>\(transforms)</Transformations><Keywords>\(keywords.joined())</Keywords>\(extra)"
            + #"<SampleNode name="\#(name)" annotation="" owningGroup="" count="\#(count)" sampleID="\#(id)"><Subpopulations>"#
            + nodes.map { $0.xml(&gateID, parentGate: nil) }.joined() + "</Subpopulations></SampleNode></Sample>"
    }

    /// A whole workspace: groups `(name, sample ids)`, shared matrices, samples.
    static func workspace(groups: [(String, [String])], matrices: String = "", samples: [String]) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Workspace version="20.0" flowJoVersion="10.8.1" xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating" \
        xmlns:transforms="http://www.isac-net.org/std/Gating-ML/v2.0/transformations" \
        xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes">
        <Matrices>\(matrices)</Matrices>
        <Groups>\(groups.map { group in
            #"<GroupNode name="\#(group.0)" annotation="" owningGroup="\#(group.0)"><Group name="\#(group.0)"><SampleRefs>"#
            + group.1.map { #"<SampleRef sampleID="\#($0)"/>"# }.joined() + "</SampleRefs><Keywords/></Group></GroupNode>"
        }.joined())</Groups>
        <SampleList>\(samples.joined(separator: "\n"))</SampleList>
        </Workspace>
        """
    }

    /// A sample with these float channels (`$PnN`, `$PnS`, values) and keywords, as FlowStudy's FCS writer writes it
    /// and its reader reads it back (the events are small whole numbers, exact in single precision).
    static func events(_ columns: [(String, String?, [Double])], keywords: [(String, String)] = [], file: String = "hand.fcs") -> Sample {
        let built = Sample(file: file, keywords: Keywords(keywords),
                           parameters: columns.enumerated().map { Parameter(index: $0.offset + 1, name: $0.element.0, marker: $0.element.1) },
                           columns: columns.map { ChannelValues($0.2) })
        guard let bytes = try? FCSWriter().encode([built]), var read = try? FCSFile.read(bytes: bytes, name: file).dataSets.first else {
            Issue.record("FCSWriter could not write, or FCSReader read back, the hand-built sample \(file)")
            return built
        }
        read.file = file
        return read
    }

    /// Reads a fixture workspace.
    static func read(_ xml: String, name: String = "hand.wsp") throws -> FlowJoWorkspace {
        try FlowJoWorkspace.read(Data(xml.utf8), name: name)
    }
}
