import Compensation
import Foundation
import Tables
import Transforms

/// A FlowJo 10 workspace (`.wsp`) as FlowStudy reads it: the samples with their gate trees, transforms and
/// spillover matrices, the groups, and the counts FlowJo saved.
///
/// The XML is screened by ``UntrustedXML`` and parsed with `XMLParser` (never `XMLDocument`). Gate coordinates
/// are kept as FlowJo stores them (raw channel values, ellipses in FlowJo's 256-bin display space);
/// ``template(group:sample:)`` turns them into a ``GatingTemplate``. Anything read but not understood is listed in
/// ``warnings`` with its element path.
public struct FlowJoWorkspace: Sendable {
    /// A gate as FlowJo stores it.
    public enum RawGate: Sendable, Equatable {
        /// `gating:RectangleGate`: raw bounds per dimension, nil for a missing (open) bound.
        case rectangle(minimum: [Double?], maximum: [Double?])
        /// `gating:PolygonGate`: raw vertices.
        case polygon(vertices: [[Double]])
        /// `gating:EllipsoidGate`: two foci and four edge points in FlowJo's display space (0…256 per axis).
        case ellipse(foci: [[Double]], edges: [[Double]], distance: Double)
        /// `AndNode`, `OrNode`, `NotNode`: the dependents as slash paths (without `root`).
        case boolean(BooleanGate.Operation, dependents: [String])
    }

    /// One population (`Population` or a boolean node) of a sample's tree.
    public struct Node: Sendable, Equatable {
        /// FlowJo's name.
        public var name: String
        /// The slash path of its parent (`""` at the top level); the node's own path is ``path``.
        public var parentPath: String
        /// The dimension (channel) names as FlowJo writes them, `Comp-` prefixes included.
        public var dimensions: [String]
        /// The gate.
        public var gate: RawGate
        /// `@eventsInside="0"`: the population is the events outside the gate.
        public var complement: Bool
        /// The XML element the gate came from (`RectangleGate`, `PolygonGate`, `EllipsoidGate`, `AndNode`, ...).
        public var gateType: String
        /// The count FlowJo saved (`-1` when never computed).
        public var count: Int
        /// The group the gate came from (`""` for a gate of this sample only).
        public var owningGroup: String
        /// Where the node is in the workspace.
        public var xmlPath: String
        /// `parentPath/name`, or `name` at the top level.
        public var path: String { parentPath.isEmpty ? name : parentPath + "/" + name }
    }

    /// A spillover matrix (`transforms:spilloverMatrix`).
    public struct Matrix: Sendable {
        /// Its name (`Acquisition-defined` for the file's own matrix).
        public var name: String
        /// `transforms:id`, when present.
        public var id: String?
        /// Prefix of compensated channel names (`Comp-`).
        public var prefix: String
        /// Suffix of compensated channel names.
        public var suffix: String
        /// The spillover values (not inverted), detectors in `data-type:parameters` order.
        public var spillover: SpilloverMatrix

        /// The detector a compensated channel name refers to, or nil when `channel` does not carry the prefix and suffix.
        public func detector(of channel: String) -> String? {
            guard !(prefix.isEmpty && suffix.isEmpty), channel.hasPrefix(prefix), channel.hasSuffix(suffix),
                  channel.count >= prefix.count + suffix.count else { return nil }
            let bare = String(channel.dropFirst(prefix.count).dropLast(suffix.count))
            return spillover.detectors.contains(bare) ? bare : nil
        }
    }

    /// One sample (`SampleList/Sample`).
    public struct SampleEntry: Sendable {
        /// `SampleNode/@sampleID`.
        public var id: String
        /// `SampleNode/@name` (normally the FCS file name).
        public var name: String
        /// `SampleNode/@count`: the events FlowJo read.
        public var eventCount: Int
        /// `DataSet/@uri` (an absolute path on the author's machine; not used to find files).
        public var uri: String?
        /// The sample's spillover matrix, if any.
        public var matrix: Matrix?
        /// Transform per channel name (`FSC-A`, `Comp-FITC-A`).
        public var transforms: [String: ScaleTransform]
        /// Channel names in the order the transforms are written.
        public var transformOrder: [String]
        /// The population tree, parents before children, in document order.
        public var nodes: [Node]
        /// Where the sample is in the workspace.
        public var xmlPath: String
        /// `Keywords/Keyword` (`$PnN`, `$PnS` and user keywords), by name.
        public var keywords: [String: String] = [:]
        /// `DerivedParameters/DerivedParameter/@name`: parameters FlowJo computes, which FlowStudy cannot.
        public var derivedParameters: [String] = []

        /// `$PnN` → `$PnS` of the parameters the workspace lists in its keywords, in `$Pn` order.
        public var parameters: [(name: String, marker: String?)] {
            var result: [(String, String?)] = []
            var n = 1
            while let name = keywords["$P\(n)N"] {
                let marker = keywords["$P\(n)S"].flatMap { $0.isEmpty ? nil : $0 }
                result.append((name, marker))
                n += 1
            }
            return result
        }
    }

    /// One group (`Groups/GroupNode`).
    public struct Group: Sendable, Equatable {
        /// The group's name.
        public var name: String
        /// `SampleRef/@sampleID` of its members.
        public var sampleIDs: [String]
        /// `Group/Keywords/Keyword`, by name (FlowStudy's export carries its template here).
        public var keywords: [String: String] = [:]
    }

    /// The workspace file.
    public var file: String
    /// The samples in document order.
    public var samples: [SampleEntry]
    /// The groups in document order.
    public var groups: [Group]
    /// What was read but cannot be expressed, each starting with its element path.
    public var warnings: [String]

    /// Reads the workspace at `path`.
    public static func read(contentsOf path: String) throws -> FlowJoWorkspace {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.bytes(path)
        } catch let error as TablesError {
            throw FlowJoError(file: path, path: "/", "expected \(error.expected), found \(error.found)")
        }
        return try read(Data(bytes), name: path)
    }

    /// Reads a workspace held in memory.
    public static func read(_ data: Data, name: String) throws -> FlowJoWorkspace {
        // Screened first: libxml2 would otherwise fetch external DTDs and expand entities (see UntrustedXML).
        do {
            try UntrustedXML.check(Array(data), file: name)
        } catch let error as TablesError {
            throw FlowJoError(file: name, path: "/" + error.place, "expected \(error.expected), found \(error.found)")
        }
        let root: GatingMLElement
        do {
            root = try GatingMLElement.parse(data, file: name)
        } catch let error as GatingMLError {
            throw FlowJoError(file: name, path: error.path, error.message)
        }
        guard root.name == "Workspace" else {
            throw FlowJoError(file: name, path: "/", "expected a FlowJo Workspace root element, found '\(root.name)'")
        }
        var reader = FlowJoWorkspaceReader(file: name)
        return try reader.workspace(root)
    }

    /// The sample named `name` (`SampleNode/@name`).
    public func sample(named name: String) -> SampleEntry? { samples.first { $0.name == name } }

    /// The group named `name`.
    public func group(named name: String) -> Group? { groups.first { $0.name == name } }
}
