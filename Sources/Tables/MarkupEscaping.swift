/// `text` with `& < > " '` escaped as character references: safe in XML, SVG and HTML element content and in
/// quoted attribute values. The one escaper for the figures and pages FlowStudy writes.
public func markupEscaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}
