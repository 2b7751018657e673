import Foundation
import Synchronization
import Outcomes
import Tables

/// The study report: `report/index.html` (methods, T0–T6, the figures, missing and excluded samples, provenance),
/// the figures as SVG (with PNG copies when Chromium renders them), one page per subject with its gate plots
/// linked from the review gallery, and PDFs on request. Every page opens from `file://` with no external asset.
public struct StudyReport: Sendable {
    /// The outcomes reported.
    public var outcomes: StudyOutcomes
    /// What they were made from.
    public var provenance: Provenance
    /// The review gallery's images, when a gallery was given.
    public var gallery: GalleryImages?
    /// F1–F6.
    public var figures: [ReportFigure]

    /// A report of `outcomes`.
    public init(outcomes: StudyOutcomes, provenance: Provenance, gallery: GalleryImages?) {
        self.outcomes = outcomes
        self.provenance = provenance
        self.gallery = gallery
        figures = StudyFigures.all(outcomes)
    }

    /// What writing produced, for the command to say.
    public struct Written: Sendable {
        /// Files written under `report/`.
        public var files: Int
        /// Subject pages.
        public var subjectPages: Int
        /// What happened to the PNG copies of the figures.
        public var pngNote: String
        /// What happened to the PDFs (empty when not asked).
        public var pdfNote: String
    }

    /// The subjects with a page: every subject of the clinical sheet, in sheet order.
    public var subjectIDs: [String] { outcomes.data.subjectOrder }

    /// Writes the report under `report/` in `output` (staged; the caller commits). With `chromium`, PNG copies of
    /// the figures (`png`) and PDFs of the pages (`pdf`) are rendered from the staged files.
    public func write(into output: OutputFolder, chromium: HeadlessChromium?, png: Bool, pdf: Bool) throws -> Written {
        var count = 0
        for figure in figures {
            try output.write(figure.svg, to: "report/figures/\(figure.name).svg", durable: false)
            count += 1
        }
        var linked: Set<String> = []
        for id in subjectIDs {
            let images = subjectImages(id)
            for image in images where !linked.contains(image.name) {
                if try output.link(image.path, as: "report/img/" + image.name) { linked.insert(image.name); count += 1 }
            }
            let page = subjectPage(id, images: images.filter { linked.contains($0.name) }) { "../img/" + HTML.escape($0.name) }
            try output.write(page, to: "report/subjects/\(id).html", durable: false)
            count += 1
        }
        var pngNote = "PNG copies not asked for"
        var rendered: Set<String> = []
        if png {
            if let chromium {
                let failures = try renderPNGs(output, chromium)
                rendered = Set(figures.map(\.name)).subtracting(failures.map(\.0))
                count += rendered.count
                pngNote = "PNG copies of \(rendered.count) figures rendered by headless Chromium"
                    + (failures.isEmpty ? "" : "; failed: " + failures.map { "\($0.0) (\($0.1))" }.joined(separator: "; "))
            } else {
                pngNote = "Chromium not found (install chromium, or set FLOWSTUDY_CHROMIUM): figures as SVG only, no PNG copies"
            }
        }
        try output.write(indexPage(pngFigures: rendered), to: "report/index.html", durable: false)
        count += 1
        var pdfNote = ""
        if pdf {
            if let chromium {
                let pages = ["report/index.html"] + subjectIDs.map { "report/subjects/\($0).html" }
                for page in pages {
                    let target = String(page.dropLast(5)) + ".pdf"
                    try chromium.printToPDF(try output.path(page), to: try output.path(target))
                    count += 1
                }
                pdfNote = "\(pages.count) PDFs printed by headless Chromium"
            } else {
                pdfNote = "Chromium not found (install chromium, or set FLOWSTUDY_CHROMIUM): no PDF printed"
            }
        }
        return Written(files: count, subjectPages: subjectIDs.count, pngNote: pngNote, pdfNote: pdfNote)
    }

    /// Renders every figure's SVG to PNG, two at a time; returns the failures.
    private func renderPNGs(_ output: OutputFolder, _ chromium: HeadlessChromium) throws -> [(String, String)] {
        let jobs = try figures.map { figure in
            (figure, try output.path("report/figures/\(figure.name).svg"), try output.path("report/figures/\(figure.name).png"))
        }
        let failures = Mutex<[(String, String)]>([])
        let next = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            while true {
                let index = next.withLock { value -> Int in defer { value += 1 }; return value }
                guard index < jobs.count else { return }
                let (figure, svg, png) = jobs[index]
                do {
                    try chromium.screenshot(svg, to: png, width: Int(figure.size.width.rounded(.up)), height: Int(figure.size.height.rounded(.up)))
                } catch {
                    failures.withLock { $0.append((figure.name, "\(error)")) }
                }
            }
        }
        let failed = failures.withLock { $0 }
        for (name, _) in failed { output.forget("report/figures/\(name).png") }
        return failed
    }

    /// The gate plots of a subject: the gallery cells of its culture samples (control tubes left out), in sample
    /// sheet order.
    public func subjectImages(_ id: String) -> [GalleryImages.Image] {
        guard let gallery else { return [] }
        return outcomes.data.samples.filter { $0.subjectID == id && $0.isCulture }.flatMap { gallery.bySample[$0.id] ?? [] }
    }
}
