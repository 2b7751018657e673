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
        let manifest: Manifest
        do {
            manifest = try JSONDocument.decode(Manifest.self, path, what: "a review gallery's manifest.json")
        } catch let error as TablesError {
            throw ReportError(error)
        }
        var bySample: [String: [Image]] = [:]
        var skipped: [String] = []
        for cell in manifest.cells {
            guard let sample = cell.sample, let population = cell.population, let image = cell.image else { continue }
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
                                                       percent: cell.percent))
        }
        self.bySample = bySample
        self.skipped = skipped
    }

    /// What the report reads of `manifest.json`: of each cell, its sample, population, image and percent. The
    /// rest (axes, ticks, keys: 40 MB for the demo's 4,480 cells) is skipped, never built.
    struct Manifest: Decodable {
        struct Cell: Decodable {
            var sample: String?
            var population: String?
            var image: String?
            var percent: Double?

            /// A field of another kind leaves the cell out, as a missing one does (the gallery wrote none such).
            init(from decoder: any Decoder) throws {
                let fields = try decoder.container(keyedBy: Key.self)
                sample = try? fields.decodeIfPresent(String.self, forKey: .sample)
                population = try? fields.decodeIfPresent(String.self, forKey: .population)
                image = try? fields.decodeIfPresent(String.self, forKey: .image)
                percent = try? fields.decodeIfPresent(Double.self, forKey: .percent)
            }

            enum Key: String, CodingKey { case sample, population, image, percent }
        }

        var cells: [Cell]
    }

    /// Letters, digits, `.`, `_` and `-` only, not starting with a dot.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-"
        }
    }
}
