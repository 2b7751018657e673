import Compensation
import FCS
import Foundation
import Tables
import Transforms

/// Writes a FlowStudy template as a FlowJo 10 workspace (`.wsp`) over a set of FCS files: the samples, one group
/// owning every gate, each sample's copy of the gate tree (FlowJo's raw coordinates), one transform per channel,
/// and the compensation matrix.
///
/// What FlowJo has no place for (readouts and their thresholds, `min_events`, the panel, the template's name) rides
/// along with the whole template JSON in the group keyword ``templateKeyword``, so importing the workspace back gives
/// the template itself as long as its gates, transforms and matrix were not changed in FlowJo
/// (``FlowJoWorkspace/template(group:sample:)``).
public enum FlowJoWorkspaceWriter {
    /// The group keyword that carries the FlowStudy template JSON.
    public static let templateKeyword = "FLOWSTUDY_TEMPLATE"

    /// One FCS file of the workspace.
    public struct SampleFile: Sendable {
        /// The FCS file name (`SampleNode/@name`, which FlowJo and FlowKit match files by).
        public var name: String
        /// `DataSet/@uri`.
        public var uri: String
        /// The file's keywords and parameters (its events are not read).
        public var sample: Sample
        /// Creates the value from its parts.
        public init(name: String, uri: String, sample: Sample) {
            self.name = name
            self.uri = uri
            self.sample = sample
        }
    }

    /// The workspace and what the user should be told about it.
    public struct Output: Sendable {
        /// The workspace XML.
        public var xml: String
        /// What FlowJo does not use or holds in another form, one line each.
        public var notes: [String]
    }

    /// The workspace for `template` over `samples`, the gates owned by `group`. `file` names the template in errors.
    public static func document(_ template: GatingTemplate, samples: [SampleFile], group: String = "FlowStudy", file: String) throws -> Output {
        guard !samples.isEmpty else { throw FlowJoError(file: file, path: "samples", "expected at least one FCS file") }
        guard group != "All Samples" else { throw FlowJoError(file: file, path: "group", "expected a group name other than FlowJo's own 'All Samples'") }
        // FlowJo and FlowKit find a sample's FCS file by its name alone.
        var names: Set<String> = []
        for entry in samples where !names.insert(entry.name).inserted {
            throw FlowJoError(file: file, path: "samples", "expected each FCS file name once (FlowJo tells samples apart by file name), found '\(entry.name)' twice")
        }
        var notes: [String] = []
        var gateID = 0
        var sampleXML: [String] = []
        var groupTree = ""
        var customMatrices: [String: String] = [:]
        for (index, entry) in samples.enumerated() {
            let id = "\(index + 1)"
            let strategy: GatingStrategy
            do {
                strategy = try template.strategy(for: entry.sample)
            } catch let error as GatingError {
                throw FlowJoError(file: entry.name, path: "markers", error.description)
            }
            let matrix = try Self.matrix(template, strategy: strategy, sample: entry, file: file)
            let sample = entry.sample
            let gates = try Self.gates(strategy, group: group, prefix: matrix.map { _ in "Comp-" }, file: file,
                                       pnn: { sample.parameterIndex($0).map { sample.parameters[$0].name } ?? $0 },
                                       range: { label in sample.parameters.first { flowJoLabel($0.name) == label }?.range ?? 262_144 })
            if index == 0 { notes += gates.notes }
            var lines = ["    <Sample>", #"      <DataSet uri="\#(attribute(entry.uri))" sampleID="\#(id)"/>"#]
            if let matrix {
                let xml = matrixXML(matrix.spillover, name: matrix.name, id: matrix.name == "Acquisition-defined" ? nil : matrix.name, indent: "      ")
                lines.append(xml)
                if matrix.name != "Acquisition-defined" { customMatrices[matrix.name] = matrixXML(matrix.spillover, name: matrix.name, id: matrix.name, indent: "    ") }
            }
            lines.append("      <Transformations>")
            for (channel, transform) in gates.transforms { lines.append(try transformXML(transform, channel: channel, file: file)) }
            lines.append("      </Transformations>")
            lines.append("      <Keywords>")
            lines += keywordLines(sample, indent: "        ")
            lines.append("      </Keywords>")
            lines.append(#"      <SampleNode name="\#(attribute(entry.name))" annotation="" owningGroup="" expanded="1" sortPriority="10" count="\#(events(sample))" sampleID="\#(id)">"#)
            lines.append(try subpopulations(gates.nodes, parent: "", gateID: &gateID, parentGate: nil, indent: "        ", file: file))
            lines.append("      </SampleNode>")
            lines.append("    </Sample>")
            sampleXML.append(lines.joined(separator: "\n"))
            if index == 0 { groupTree = try subpopulations(gates.nodes, parent: "", gateID: &gateID, parentGate: nil, indent: "      ", file: file) }
        }
        let ids = samples.indices.map { #"<SampleRef sampleID="\#($0 + 1)"/>"# }.joined()
        let carried = #"<Keyword name="\#(templateKeyword)" value="\#(attribute(TemplateWriter.json(template)))"/>"#
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<Workspace version="20.0" flowJoVersion="10.8.1" curGroup="\#(attribute(group))" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#
                + #" xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating""#
                + #" xmlns:transforms="http://www.isac-net.org/std/Gating-ML/v2.0/transformations""#
                + #" xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes">"#,
            "  <Matrices>",
        ]
        lines += customMatrices.keys.sorted().compactMap { customMatrices[$0] }
        lines += [
            "  </Matrices>",
            "  <Groups>",
            #"    <GroupNode name="All Samples" annotation="" owningGroup="All Samples" expanded="1" sortPriority="10" count="-1">"#,
            #"      <Group name="All Samples"><Criteria/><SampleRefs>\#(ids)</SampleRefs><Keywords/></Group>"#,
            "    </GroupNode>",
            #"    <GroupNode name="\#(attribute(group))" annotation="" owningGroup="\#(attribute(group))" expanded="1" sortPriority="10" count="-1">"#,
            #"      <Group name="\#(attribute(group))"><Criteria/><SampleRefs>\#(ids)</SampleRefs><Keywords>\#(carried)</Keywords></Group>"#,
            groupTree,
            "    </GroupNode>",
            "  </Groups>",
            "  <SampleList>",
        ]
        lines += sampleXML
        lines += ["  </SampleList>", "</Workspace>"]

        var carriedOnly: [String] = []
        if !template.readouts.isEmpty { carriedOnly.append("readouts and their thresholds (\(template.readouts.count))") }
        carriedOnly.append("min_events (\(template.minEvents))")
        if !template.panel.isEmpty { carriedOnly.append("the panel (\(template.panel.count) markers; gates name each file's channels)") }
        if template.name != nil || template.description != nil { carriedOnly.append("name and description") }
        notes.insert("not used by FlowJo, carried in group keyword \(templateKeyword) for FlowStudy: " + carriedOnly.joined(separator: ", "), at: 0)
        return Output(xml: lines.filter { !$0.isEmpty }.joined(separator: "\n") + "\n", notes: notes)
    }

    /// The matrix a sample's compensated channels are written with: the file's own spillover as FlowJo's
    /// `Acquisition-defined`, or the template's named matrix; detectors named by the sample's `$PnN`.
    static func matrix(_ template: GatingTemplate, strategy: GatingStrategy, sample entry: SampleFile,
                       file: String) throws -> (name: String, spillover: SpilloverMatrix)? {
        let references = Set(strategy.populations.flatMap { $0.gate.dimensions.map(\.compensation) }).subtracting([.uncompensated])
        guard references.count <= 1 else {
            throw FlowJoError(file: file, path: "populations", "expected one compensation for every compensated dimension (FlowJo applies one matrix per sample), found \(references.map(\.gatingMLName).sorted())")
        }
        let spillover: SpilloverMatrix, name: String
        switch references.first {
        case nil, .uncompensated?:
            return nil
        case .file?:
            let found: Spillover?
            // FlowJo names a matrix's detectors by $PnN: an FCS 2.0 $DFC matrix is cut to the detectors the file records.
            do { found = try entry.sample.spilloverNamedByParameters() } catch let error as FCSError { throw FlowJoError(file: entry.name, path: "spillover", error.description) }
            guard let found else {
                if case .file(allowMissing: true) = template.compensation { return nil }
                // A $DFC matrix none of whose detectors the file records is there, but has nothing to apply to.
                let dfc = (try? entry.sample.spillover())??.keyword == "$DFCiTOj"
                throw FlowJoError(file: entry.name, path: "spillover", dfc
                    ? "expected a spillover for the template's compensated gates, found a $DFC matrix none of whose detectors (FL1, FL2…) the file records"
                    : "expected a spillover keyword ($SPILLOVER, SPILL, $COMP) for the template's compensated gates, found none")
            }
            do { spillover = try SpilloverMatrix(found, source: entry.name) } catch let error as CompensationError {
                throw FlowJoError(file: entry.name, path: "spillover", error.description)
            }
            name = "Acquisition-defined"
        case .matrix(let id)?:
            guard let matrix = strategy.matrices[id] else { throw FlowJoError(file: file, path: "matrices", "expected matrix '\(id)' in the template, found none") }
            guard matrix.isSquare, matrix.fluorochromes == matrix.detectors else {
                throw FlowJoError(file: file, path: "matrices.\(id)", "expected a square spillover matrix (FlowJo's form), found \(matrix.fluorochromes.count) fluorochromes × \(matrix.detectors.count) detectors")
            }
            spillover = matrix
            name = id
        }
        // FlowJo names detectors by $PnN.
        do {
            let compensator = try Compensator(matrix: spillover, sample: entry.sample)
            let names = compensator.detectorParameters.map { flowJoLabel(entry.sample.parameters[$0.index].name) }
            return (name, try SpilloverMatrix(fluorochromes: names, detectors: names, coefficients: spillover.coefficients, source: spillover.source))
        } catch let error as CompensationError {
            throw FlowJoError(file: entry.name, path: "spillover", error.description)
        }
    }

    static func matrixXML(_ matrix: SpilloverMatrix, name: String, id: String?, indent: String) -> String {
        var lines = [indent + #"<transforms:spilloverMatrix spectral="0" prefix="Comp-" name="\#(attribute(name))" editable="1" suffix="""#
                     + (id.map { #" transforms:id="\#(attribute($0))""# } ?? "") + ">"]
        lines.append(indent + "  <data-type:parameters>")
        for detector in matrix.detectors {
            lines.append(indent + #"    <data-type:parameter data-type:name="\#(attribute(detector))" userProvidedCompInfix="Comp-\#(attribute(detector))"/>"#)
        }
        lines.append(indent + "  </data-type:parameters>")
        for (from, row) in zip(matrix.detectors, matrix.coefficients) {
            lines.append(indent + #"  <transforms:spillover data-type:parameter="\#(attribute(from))" userProvidedCompInfix="Comp-\#(attribute(from))">"#)
            for (to, value) in zip(matrix.detectors, row) {
                lines.append(indent + #"    <transforms:coefficient data-type:parameter="\#(attribute(to))" transforms:value="\#(shortestText(value))"/>"#)
            }
            lines.append(indent + "  </transforms:spillover>")
        }
        lines.append(indent + "</transforms:spilloverMatrix>")
        return lines.joined(separator: "\n")
    }

    /// One `Transformations` child: FlowJo's element for the transform, on `channel`.
    static func transformXML(_ transform: ScaleTransform, channel: String, file: String) throws -> String {
        let n: (Double) -> String = { shortestText($0) }
        let element: String, attributes: String
        switch transform {
        case .linear(let t): (element, attributes) = ("linear", #"transforms:minRange="\#(n(t.A))" transforms:maxRange="\#(n(t.T))" gain="1""#)
        case .log(let t): (element, attributes) = ("log", #"transforms:offset="\#(n(t.T / pow(10, t.M)))" transforms:decades="\#(n(t.M))""#)
        case .logicle(let t): (element, attributes) = ("logicle", #"transforms:length="256" transforms:T="\#(n(t.T))" transforms:W="\#(n(t.W))" transforms:M="\#(n(t.M))" transforms:A="\#(n(t.A))""#)
        case .hyperlog(let t): (element, attributes) = ("hyperlog", #"transforms:length="256" transforms:T="\#(n(t.T))" transforms:W="\#(n(t.W))" transforms:M="\#(n(t.M))" transforms:A="\#(n(t.A))""#)
        case .asinh(let t):
            (element, attributes) = ("fasinh", #"transforms:length="256" transforms:maxRange="\#(n(t.T))" transforms:T="\#(n(t.T))" transforms:M="\#(n(t.M))" transforms:A="\#(n(t.A))" transforms:W="0""#)
        case .flowJoBiex(let t):
            (element, attributes) = ("biex", #"transforms:length="256" transforms:maxRange="\#(n(t.maxValue))" transforms:neg="\#(n(t.negative))" transforms:width="\#(n(t.width))" transforms:pos="\#(n(t.positive))""#)
        case .ratio:
            throw FlowJoError(file: file, path: "transforms", "expected a one-channel transform for '\(channel)', found a ratio (FlowJo derived parameters are not written)")
        }
        return #"        <transforms:\#(element) \#(attributes)><data-type:parameter data-type:name="\#(attribute(channel))"/></transforms:\#(element)>"#
    }

    /// The keywords FlowJo lists for a sample: `$PAR`, `$TOT` and each parameter's `$PnN`, `$PnS`, `$PnR`.
    static func keywordLines(_ sample: Sample, indent: String) -> [String] {
        var pairs = [("FJ_FCS_VERSION", sample.version), ("$PAR", "\(sample.parameters.count)"), ("$TOT", "\(events(sample))")]
        for (n, parameter) in sample.parameters.enumerated() {
            pairs.append(("$P\(n + 1)N", parameter.name))
            pairs.append(("$P\(n + 1)S", parameter.marker ?? ""))
            pairs.append(("$P\(n + 1)R", parameter.rangeText))
        }
        return pairs.map { indent + #"<Keyword name="\#(attribute($0.0))" value="\#(attribute($0.1))"/>"# }
    }

    /// The sample's events: those read, or `$TOT` when only the keywords were (the writer needs no events).
    static func events(_ sample: Sample) -> Int {
        sample.columns.isEmpty ? sample.keywords["$TOT"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0 : sample.eventCount
    }

    /// The `Subpopulations` holding `nodes` whose parent path is `parent`, recursively ("" when there are none).
    static func subpopulations(_ nodes: [FlowJoWorkspace.Node], parent: String, gateID: inout Int, parentGate: Int?,
                               indent: String, file: String) throws -> String {
        let children = nodes.filter { $0.parentPath == parent }
        guard !children.isEmpty else { return "" }
        var lines = [indent + "<Subpopulations>"]
        for node in children {
            let pad = indent + "  "
            let common = #"name="\#(attribute(node.name))" annotation="" owningGroup="\#(attribute(node.owningGroup))" expanded="1" sortPriority="10" count="\#(node.count)""#
            var mine: Int?
            switch node.gate {
            case .boolean(let operation, let dependents):
                let element = operation == .and ? "AndNode" : operation == .or ? "OrNode" : "NotNode"
                lines.append(pad + "<\(element) \(common)>")
                lines.append(pad + "  <Dependents>" + dependents.map { #"<Dependent name="\#(attribute($0))"/>"# }.joined() + "</Dependents>")
                lines.append(try subpopulations(nodes, parent: node.path, gateID: &gateID, parentGate: nil, indent: pad + "  ", file: file))
                lines.append(pad + "</\(element)>")
                continue
            default:
                gateID += 1
                mine = gateID
            }
            let ids = #"gating:id="ID\#(gateID)""# + (parentGate.map { #" gating:parent_id="ID\#($0)""# } ?? "")
            lines.append(pad + "<Population \(common)>")
            lines.append(pad + "  <Gate \(ids)>")
            lines.append(try gateXML(node, ids: ids, indent: pad + "    ", file: file))
            lines.append(pad + "  </Gate>")
            lines.append(try subpopulations(nodes, parent: node.path, gateID: &gateID, parentGate: mine, indent: pad + "  ", file: file))
            lines.append(pad + "</Population>")
        }
        lines.append(indent + "</Subpopulations>")
        return lines.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    static func gateXML(_ node: FlowJoWorkspace.Node, ids: String, indent: String, file: String) throws -> String {
        func number(_ value: Double) throws -> String {
            guard value.isFinite else {
                throw FlowJoError(file: file, path: node.path, "expected finite raw coordinates, found \(value) (a bound outside its transform's range?)")
            }
            return shortestText(value)
        }
        func dimension(_ name: String, min: Double? = nil, max: Double? = nil) throws -> String {
            var bounds = ""
            if let min { bounds += #" gating:min="\#(try number(min))""# }
            if let max { bounds += #" gating:max="\#(try number(max))""# }
            return indent + #"  <gating:dimension\#(bounds)><data-type:fcs-dimension data-type:name="\#(attribute(name))"/></gating:dimension>"#
        }
        func vertex(_ point: [Double]) throws -> String {
            "<gating:vertex>" + (try point.map { #"<gating:coordinate data-type:value="\#(try number($0))"/>"# }.joined()) + "</gating:vertex>"
        }
        var lines: [String]
        switch node.gate {
        case .rectangle(let minimum, let maximum):
            lines = [indent + #"<gating:RectangleGate eventsInside="1" percentX="0" percentY="0" \#(ids)>"#]
            for (i, name) in node.dimensions.enumerated() { lines.append(try dimension(name, min: minimum[i], max: maximum[i])) }
            lines.append(indent + "</gating:RectangleGate>")
        case .polygon(let vertices):
            lines = [indent + #"<gating:PolygonGate eventsInside="1" quadId="-1" gateResolution="256" \#(ids)>"#]
            for name in node.dimensions { lines.append(try dimension(name)) }
            for point in vertices { lines.append(indent + "  " + (try vertex(point))) }
            lines.append(indent + "</gating:PolygonGate>")
        case .ellipse(let foci, let edges, let distance):
            lines = [indent + #"<gating:EllipsoidGate eventsInside="1" gating:distance="\#(try number(distance))" \#(ids)>"#]
            for name in node.dimensions { lines.append(try dimension(name)) }
            lines.append(indent + "  <gating:foci>" + (try foci.map(vertex).joined()) + "</gating:foci>")
            lines.append(indent + "  <gating:edge>" + (try edges.map(vertex).joined()) + "</gating:edge>")
            lines.append(indent + "</gating:EllipsoidGate>")
        case .boolean:
            lines = []
        }
        return lines.joined(separator: "\n")
    }

    /// Text for an XML attribute value: markup escaped, and line breaks and tabs as character references so the
    /// parser keeps them (attribute normalisation would turn them into spaces).
    static func attribute(_ text: String) -> String {
        markupEscaped(text).replacingOccurrences(of: "\n", with: "&#10;").replacingOccurrences(of: "\r", with: "&#13;")
            .replacingOccurrences(of: "\t", with: "&#9;")
    }
}
