import Compensation
import Tables
import Transforms

/// Writes a strategy as Gating-ML 2.0, so it opens in FlowKit and other tools; population ids are kept.
/// Markers must be resolved to channels first (``GatingTemplate/strategyWithPanelChannels()``).
public enum GatingMLWriter {
    /// The namespace of FlowStudy's own element in `custom_info`.
    public static let flowStudyNamespace = "https://flowstudy.invalid/gating-template/1"

    /// The Gating-ML document. With `template`, the template's own JSON (panel, readouts, name, description,
    /// compensation, min_events and the marker-named gates) rides along in the document's `custom_info`, so
    /// converting back gives the same template; other tools skip it.
    public static func document(_ strategy: GatingStrategy, template: GatingTemplate? = nil) throws -> String {
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<gating:Gating-ML xmlns:gating="http://www.isac-net.org/std/Gating-ML/v2.0/gating""#,
            #"    xmlns:transforms="http://www.isac-net.org/std/Gating-ML/v2.0/transformations""#,
            #"    xmlns:data-type="http://www.isac-net.org/std/Gating-ML/v2.0/datatypes">"#,
        ]
        if let template {
            lines.append("  <data-type:custom_info>")
            lines.append(#"    <flowstudy:flowstudy-template xmlns:flowstudy="\#(flowStudyNamespace)">"# + escape(TemplateWriter.json(template)) + "</flowstudy:flowstudy-template>")
            lines.append("  </data-type:custom_info>")
        }
        for (id, matrix) in strategy.matrices.sorted(by: { $0.key < $1.key }) {
            lines.append(#"  <transforms:spectrumMatrix transforms:id="\#(escape(id))">"#)
            lines.append("    <transforms:fluorochromes>")
            for name in matrix.fluorochromes { lines.append(#"      <data-type:fcs-dimension data-type:name="\#(escape(name))"/>"#) }
            lines.append("    </transforms:fluorochromes>")
            lines.append("    <transforms:detectors>")
            for name in matrix.detectors { lines.append(#"      <data-type:fcs-dimension data-type:name="\#(escape(name))"/>"#) }
            lines.append("    </transforms:detectors>")
            for row in matrix.coefficients {
                lines.append("    <transforms:spectrum>")
                for value in row { lines.append(#"      <transforms:coefficient transforms:value="\#(number(value))"/>"#) }
                lines.append("    </transforms:spectrum>")
            }
            lines.append("  </transforms:spectrumMatrix>")
        }
        for (id, transform) in strategy.transforms.sorted(by: { $0.key < $1.key }) {
            lines.append(#"  <transforms:transformation transforms:id="\#(escape(id))">"#)
            switch transform {
            case .linear(let t): lines.append(#"    <transforms:flin transforms:T="\#(number(t.T))" transforms:A="\#(number(t.A))"/>"#)
            case .log(let t): lines.append(#"    <transforms:flog transforms:T="\#(number(t.T))" transforms:M="\#(number(t.M))"/>"#)
            case .asinh(let t):
                lines.append(#"    <transforms:fasinh transforms:T="\#(number(t.T))" transforms:M="\#(number(t.M))" transforms:A="\#(number(t.A))"/>"#)
            case .logicle(let t):
                lines.append(#"    <transforms:logicle transforms:T="\#(number(t.T))" transforms:W="\#(number(t.W))" transforms:M="\#(number(t.M))" transforms:A="\#(number(t.A))"/>"#)
            case .hyperlog(let t):
                lines.append(#"    <transforms:hyperlog transforms:T="\#(number(t.T))" transforms:W="\#(number(t.W))" transforms:M="\#(number(t.M))" transforms:A="\#(number(t.A))"/>"#)
            case .ratio(let t, let numerator, let denominator):
                lines.append(#"    <transforms:fratio transforms:A="\#(number(t.A))" transforms:B="\#(number(t.B))" transforms:C="\#(number(t.C))">"#)
                lines.append(#"      <data-type:fcs-dimension data-type:name="\#(escape(numerator))"/>"#)
                lines.append(#"      <data-type:fcs-dimension data-type:name="\#(escape(denominator))"/>"#)
                lines.append("    </transforms:fratio>")
            case .flowJoBiex:
                throw GatingError(.unknownTransform, place: id, "FlowJo's biex has no Gating-ML 2.0 form; use logicle")
            }
            lines.append("  </transforms:transformation>")
        }
        for population in strategy.populations {
            lines += try gate(population)
        }
        lines.append("</gating:Gating-ML>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func dimensionBody(_ dimension: GateDimension) throws -> String {
        switch dimension.source {
        case .channel(let name): return #"<data-type:fcs-dimension data-type:name="\#(escape(name))"/>"#
        case .ratio(let id): return #"<data-type:new-dimension data-type:transformation-ref="\#(escape(id))"/>"#
        case .marker(let marker):
            throw GatingError(.unknownChannel, place: marker, "marker '\(marker)' must be resolved to a channel before export")
        }
    }

    static func references(_ dimension: GateDimension) -> String {
        var text = #" gating:compensation-ref="\#(escape(dimension.compensation.gatingMLName))""#
        if let transform = dimension.transform { text += #" gating:transformation-ref="\#(escape(transform))""# }
        return text
    }

    static func gate(_ population: Population) throws -> [String] {
        if let method = population.method {
            throw GatingError(.invalidGate, place: population.id,
                              "a data-driven gate (\(method.name)) has no Gating-ML form: its coordinates are computed per sample")
        }
        var attributes = #"gating:id="\#(escape(xmlID(population.id)))""#
        if xmlID(population.id) != population.id { attributes += #" gating:name="\#(escape(population.id))""# }
        if let parent = population.parent { attributes += #" gating:parent_id="\#(escape(xmlID(parent)))""# }
        let element = "gating:" + population.gate.kind
        var lines = ["  <\(element) \(attributes)>"]
        switch population.gate {
        case .rectangle(let gate):
            for (i, dimension) in gate.dimensions.enumerated() {
                var bounds = ""
                if let low = gate.minimum[i] { bounds += #" gating:min="\#(number(low))""# }
                if let high = gate.maximum[i] { bounds += #" gating:max="\#(number(high))""# }
                lines.append("    <gating:dimension\(references(dimension))\(bounds)>")
                lines.append("      " + (try dimensionBody(dimension)))
                lines.append("    </gating:dimension>")
            }
        case .polygon(let gate):
            for dimension in gate.dimensions {
                lines += ["    <gating:dimension\(references(dimension))>", "      " + (try dimensionBody(dimension)), "    </gating:dimension>"]
            }
            for vertex in gate.vertices {
                lines.append("    <gating:vertex>")
                for value in vertex { lines.append(#"      <gating:coordinate data-type:value="\#(number(value))"/>"#) }
                lines.append("    </gating:vertex>")
            }
        case .ellipsoid(let gate):
            for dimension in gate.dimensions {
                lines += ["    <gating:dimension\(references(dimension))>", "      " + (try dimensionBody(dimension)), "    </gating:dimension>"]
            }
            lines.append("    <gating:mean>")
            for value in gate.mean { lines.append(#"      <gating:coordinate data-type:value="\#(number(value))"/>"#) }
            lines.append("    </gating:mean>")
            lines.append("    <gating:covarianceMatrix>")
            for row in gate.covariance {
                lines.append("      <gating:row>")
                for value in row { lines.append(#"        <gating:entry data-type:value="\#(number(value))"/>"#) }
                lines.append("      </gating:row>")
            }
            lines.append("    </gating:covarianceMatrix>")
            lines.append(#"    <gating:distanceSquare data-type:value="\#(number(gate.distanceSquare))"/>"#)
        case .quadrant(let gate):
            for divider in gate.dividers {
                lines.append(#"    <gating:divider gating:id="\#(escape(xmlID(divider.id)))"\#(references(divider.dimension))>"#)
                lines.append("      " + (try dimensionBody(divider.dimension)))
                for cut in divider.cuts { lines.append("      <gating:value>\(number(cut))</gating:value>") }
                lines.append("    </gating:divider>")
            }
            for quadrant in gate.quadrants {
                let name = xmlID(quadrant.id) == quadrant.id ? "" : #" gating:name="\#(escape(quadrant.id))""#
                lines.append(#"    <gating:Quadrant gating:id="\#(escape(xmlID(quadrant.id)))"\#(name)>"#)
                for (divider, location) in quadrant.positions.sorted(by: { $0.key < $1.key }) {
                    lines.append(#"      <gating:position gating:divider_ref="\#(escape(xmlID(divider)))" gating:location="\#(number(location))"/>"#)
                }
                lines.append("    </gating:Quadrant>")
            }
        case .boolean(let gate):
            lines.append("    <gating:\(gate.operation.rawValue)>")
            for operand in gate.operands {
                let complement = operand.complement ? #" gating:use-as-complement="true""# : ""
                lines.append(#"      <gating:gateReference gating:ref="\#(escape(xmlID(operand.reference)))"\#(complement)/>"#)
            }
            lines.append("    </gating:\(gate.operation.rawValue)>")
        }
        lines.append("  </\(element)>")
        return lines
    }

    /// A population id as an XML `xs:ID` (an NCName): characters an NCName cannot hold become `_xHH_`
    /// (`CD86+` → `CD86_x2B_`), and a leading digit gets a `_`. The original id goes in `gating:name`, and the
    /// reader restores it, so ids survive the round trip while the document validates against the schema.
    public static func xmlID(_ id: String) -> String {
        var out = ""
        for (i, scalar) in id.unicodeScalars.enumerated() {
            let isLetter = ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar)
            let isDigit = ("0"..."9").contains(scalar)
            if isLetter || (i > 0 && (isDigit || scalar == "-" || scalar == ".")) {
                out.unicodeScalars.append(scalar)
            } else if i == 0 && isDigit {
                out += "_"
                out.unicodeScalars.append(scalar)
            } else {
                out += "_x" + String(scalar.value, radix: 16, uppercase: true) + "_"
            }
        }
        return out.isEmpty ? "_" : out
    }

    /// Text escaped for XML (``markupEscaped(_:)``, shared with the figures and the report).
    static func escape(_ text: String) -> String { markupEscaped(text) }

    /// Shortest round-trip text for a coordinate.
    static func number(_ value: Double) -> String { shortestText(value) }
}
