import Foundation
import Tables

/// Opens a gating template of either form: FlowStudy JSON (`flowstudy-gating/1`) or Gating-ML 2.0.
///
/// A Gating-ML document written by FlowStudy carries the whole template in its `custom_info`, so panel,
/// readouts, name, description, compensation and `min_events` come back exactly. When the document's gates no
/// longer match that template (edited in another tool), the document's gates win and a warning says so; a
/// document from another tool, without FlowStudy's fields, gets defaults (no panel, no readouts, each file's own
/// compensation with missing matrices allowed) and a warning naming them.
public enum TemplateLoader {
    /// A template with what the user should be told about how it was read.
    public struct Loaded: Sendable {
        /// The template.
        public var template: GatingTemplate
        /// Things the reader had to assume.
        public var warnings: [String]
    }

    /// Reads the template at `path`: Gating-ML when it ends in `.xml`, JSON otherwise.
    public static func load(_ path: String) throws -> Loaded {
        guard path.lowercased().hasSuffix(".xml") else { return Loaded(template: try TemplateReader.read(contentsOf: path), warnings: []) }
        let bytes: [UInt8]
        do {
            bytes = try InputFile.bytes(path)
        } catch let error as TablesError {
            throw GatingMLError(file: path, path: "/", "expected \(error.expected), found \(error.found)")
        }
        let (strategy, embedded) = try GatingMLReader.document(Data(bytes), name: path)
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        guard let embedded else {
            return Loaded(template: TemplateWriter.template(from: strategy, name: stem),
                          warnings: ["\(path): Gating-ML without FlowStudy's fields in custom_info: no panel, no readouts, "
                                     + "compensation from each file's own matrix (missing allowed)"])
        }
        let folder = (path as NSString).deletingLastPathComponent
        let carried = try TemplateReader.read(embedded, name: "\(path) (custom_info)", folder: folder.isEmpty ? "." : folder)
        if let resolved = try? carried.strategyWithPanelChannels(),
           try GatingMLWriter.document(resolved) == GatingMLWriter.document(strategy) {
            return Loaded(template: carried, warnings: [])
        }
        var template = carried
        template.strategy = strategy
        template.transformOrder = strategy.transforms.keys.sorted()
        return Loaded(template: template,
                      warnings: ["\(path): the gates differ from the FlowStudy template in custom_info (edited elsewhere?): "
                                 + "the document's gates are used, with the panel, readouts and options from custom_info"])
    }
}
