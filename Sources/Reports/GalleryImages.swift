import Foundation
import Tables

/// The gate plots of a review gallery (`flowstudy review`), read from its `manifest.json`: each cell's sample,
/// population, image and % of parent. The report links these images; it never gates again.
public struct GalleryImages: Sendable {
    /// One gallery cell.
    public struct Image: Sendable, Equatable {
        /// The sample id.
        public var sample: String
        /// The population whose gate the image shows.
        public var population: String
        /// The image file's name (content-addressed: `<key>.png`).
        public var name: String
        /// The image's path in the gallery.
        public var path: String
        /// The population's % of its parent.
        public var percent: Double?
    }

    /// The gallery folder.
    public var folder: String
    /// The images per sample, in manifest order.
    public var bySample: [String: [Image]]
    /// Cells left out: an image name that is not a plain `img/<name>.png`, or a file that is absent.
    public var skipped: [String]

    /// Reads `folder/manifest.json`.
    public init(review folder: String) throws {
        self.folder = folder
        let path = folder + "/manifest.json"
        let object: [String: Any]
        do {
            object = try JSONDocument.object(path, what: "a review gallery's manifest.json")
        } catch let error as TablesError {
            throw ReportError(error)
        }
        guard let cells = object["cells"] as? [Any] else {
            throw ReportError(path, "cells: expected the list of the gallery's images, found \(object["cells"].map(JSONDocument.kind(of:)) ?? "nothing")")
        }
        var bySample: [String: [Image]] = [:]
        var skipped: [String] = []
        for (index, item) in cells.enumerated() {
            guard let cell = item as? [String: Any] else {
                throw ReportError(path, "cells[\(index)]: expected an object (sample, population, image), found \(JSONDocument.kind(of: item))")
            }
            guard let sample = cell["sample"] as? String, let population = cell["population"] as? String,
                  let image = cell["image"] as? String else { continue }
            let name = String(image.dropFirst(4))
            guard image.hasPrefix("img/"), name.hasSuffix(".png"), Self.isPlainName(name) else {
                skipped.append("\(sample) \(population): image '\(image)' is not img/<name>.png")
                continue
            }
            let file = folder + "/" + image
            guard FileManager.default.fileExists(atPath: file) else {
                skipped.append("\(sample) \(population): \(image) is absent")
                continue
            }
            bySample[sample, default: []].append(Image(sample: sample, population: population, name: name, path: file,
                                                       percent: (cell["percent"] as? NSNumber)?.doubleValue))
        }
        self.bySample = bySample
        self.skipped = skipped
    }

    /// Letters, digits, `.`, `_` and `-` only, not starting with a dot.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-"
        }
    }
}
