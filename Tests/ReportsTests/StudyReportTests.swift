import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Outcomes
import Reports
import Testing
import TestSupport

/// The study report on a small study: where F1 puts its points, what the footnotes and pages say about missing
/// and excluded results, every link and image resolving, escaping, and Chromium's view of the pages.
@Suite("Study report")
struct StudyReportTests {
    /// Every element of an SVG with its attributes, read with an XML parser (which fails on a malformed figure).
    final class Elements: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.append((name, attributes))
        }
        static func parse(_ svg: String) throws -> Elements {
            let parser = XMLParser(data: Data(svg.utf8))
            let elements = Elements()
            parser.delegate = elements
            #expect(parser.parse(), "the SVG parses as XML: \(String(describing: parser.parserError))")
            return elements
        }
    }

    @Test("F1 puts each patient's UT and RUX at the y of a log10 axis over whole decades; the censored value is open")
    func primaryFigurePositions() throws {
        let fixture = try ReportFixture()
        let figures = StudyFigures.all(try fixture.outcomes())
        let f1 = try #require(figures.first { $0.name == "F1_primary_CCL18" })
        let svg = try Elements.parse(f1.svg)
        let area = try #require(svg.elements.first { $0.attributes["class"] == "plot-area" }?.attributes)
        let top = try #require(Double(area["y"] ?? "")), height = try #require(Double(area["height"] ?? ""))
        // Independent arithmetic: values 25…5000 and the LLOQ×DF of 50 span the decades 10 … 10 000.
        let values: [Double] = ReportFixture.ccl18.values.flatMap { pair -> [Double] in [pair.0, pair.1] } + [50]
        let low = floor(log10(values.min() ?? 1)), high = ceil(log10(values.max() ?? 1))
        #expect(low == 1 && high == 4)
        func y(_ value: Double) -> Double {
            let fraction: Double = (log10(value) - low) / (high - low)
            return top + height * (1 - fraction)
        }
        for (patient, (ut, rx)) in ReportFixture.ccl18 {
            let utCircle = try #require(svg.elements.first { $0.name == "circle" && $0.attributes["data-id"] == patient && ($0.attributes["class"] ?? "").hasPrefix("ut") })
            let rxCircle = try #require(svg.elements.first { $0.name == "circle" && $0.attributes["data-id"] == patient && ($0.attributes["class"] ?? "").hasPrefix("rx") })
            #expect(abs((Double(utCircle.attributes["cy"] ?? "") ?? .nan) - y(ut)) < 0.006, "\(patient) UT")
            #expect(abs((Double(rxCircle.attributes["cy"] ?? "") ?? .nan) - y(rx)) < 0.006, "\(patient) RUX")
            #expect(Double(utCircle.attributes["cx"] ?? "") ?? 0 < Double(rxCircle.attributes["cx"] ?? "") ?? 0, "UT left of RUX")
            let censored = patient == "P3"
            #expect(rxCircle.attributes["fill"] == (censored ? "white" : "#D55E00"), "\(patient) RUX open only when censored")
        }
        // The band under the LLOQ×DF: from y(50) to the bottom of the plot.
        let band = try #require(svg.elements.first { $0.attributes["class"] == "lloq-band" }?.attributes)
        #expect(abs((Double(band["y"] ?? "") ?? .nan) - y(50)) < 0.006)
        #expect(abs((Double(band["y"] ?? "") ?? 0) + (Double(band["height"] ?? "") ?? 0) - (top + height)) < 0.011)
        // Inset: n = 3 pairs, and the exact p of 3 positive-free pairs (all decreases): 2 · 1/8 = 0.25.
        #expect(f1.svg.contains("n = 3, p = 0.25 (exact)"))
        // Every figure parses.
        for figure in figures { _ = try Elements.parse(figure.svg) }
    }

    @Test("the LLOQ×DF band comes from each plate's LLOQ times the result's dilution, also where nothing was censored")
    func censoringBandFromPlates() throws {
        let fixture = try ReportFixture()
        let outcomes = try fixture.outcomes()
        let hdCCL18 = try #require(outcomes.solubleHD.first { $0.readout == .concentration(.ccl18) })
        let sscIL6 = try #require(outcomes.solubleSSc.first { $0.readout == .concentration(.il6) })
        // Without the plates only a censored result's `<x` tells the limit: the HD arm has none, nor has IL-6.
        #expect(StudyFigures.panel(hdCCL18, data: outcomes.data).censoringLimit == nil)
        #expect(StudyFigures.panel(sscIL6, data: outcomes.data).censoringLimit == nil)
        #expect(StudyFigures.panel(outcomes.primary, data: outcomes.data).censoringLimit == 50)
        // The plates' LLOQ in the well: CCL18 2.5 × DF 20 = 50 (what P3's `<50` says), IL-6 4 × DF 2 = 8.
        let curves = #"{"curves": [{"plate": "CCL18_1", "analyte": "CCL18", "lloq_in_well": 2.5}, {"plate": "IL6_1", "analyte": "IL-6", "lloq_in_well": 4}]}"#
        try curves.write(toFile: fixture.folder.path("elisa/curves.json"), atomically: false, encoding: .utf8)
        let plates = try ELISAPlateQC(elisa: fixture.folder.path("elisa"))
        #expect(StudyFigures.panel(hdCCL18, data: outcomes.data, plates: plates).censoringLimit == 50)
        #expect(StudyFigures.panel(sscIL6, data: outcomes.data, plates: plates).censoringLimit == 8)
        #expect(StudyFigures.panel(outcomes.primary, data: outcomes.data, plates: plates).censoringLimit == 50)
        // CXCL10's plate has no LLOQ and no result was censored: still no band.
        let sscCXCL10 = try #require(outcomes.solubleSSc.first { $0.readout == .concentration(.cxcl10) })
        #expect(StudyFigures.panel(sscCXCL10, data: outcomes.data, plates: plates).censoringLimit == nil)
    }

    @Test("F4 draws HD_CTRL as a grey reference column: each donor's median at its y; no such column in F1")
    func hdControlReferenceColumn() throws {
        let fixture = try ReportFixture()
        // Two HD_CTRL cultures of donor H1, CCL18 300 and 500: the column shows their median, 400.
        let samples = try String(contentsOfFile: fixture.inputs.samples, encoding: .utf8)
            + "H1_CTRL_a,H1,HD_SSCSERUM,HD_CTRL,,0,CCL18_1,fcs/H1_CTRL_a.fcs,,\nH1_CTRL_b,H1,HD_SSCSERUM,HD_CTRL,,0,CCL18_1,fcs/H1_CTRL_b.fcs,,\n"
        try samples.write(toFile: fixture.inputs.samples, atomically: false, encoding: .utf8)
        let concentrations = try String(contentsOfFile: fixture.inputs.concentrations, encoding: .utf8)
            + "H1_CTRL_a,H1,HD_CTRL,CCL18,CCL18_1,OK,,300,300,true,pg/mL,20\nH1_CTRL_b,H1,HD_CTRL,CCL18,CCL18_1,OK,,500,500,true,pg/mL,20\n"
        try concentrations.write(toFile: fixture.inputs.concentrations, atomically: false, encoding: .utf8)
        let figures = StudyFigures.all(try fixture.outcomes())

        let f4a = try #require(figures.first { $0.name == "F4a_soluble_HD_serum" })
        #expect(f4a.svg.contains("HD_CTRL: reference, not tested"))
        let svg = try Elements.parse(f4a.svg)
        // The CCL18 panel is the first: its plot area and the one reference symbol.
        let area = try #require(svg.elements.first { $0.attributes["class"] == "plot-area" }?.attributes)
        let top = try #require(Double(area["y"] ?? "")), height = try #require(Double(area["height"] ?? ""))
        let low = try #require(Double(area["data-low"] ?? "")), high = try #require(Double(area["data-high"] ?? ""))
        // Values 400, 700, 1500 (P3's `<50` is of the SSc arm, and no plate LLOQ was given): the decades 100 … 10 000.
        #expect(low == 100 && high == 10_000)
        let references = svg.elements.filter { $0.name == "circle" && ($0.attributes["class"] ?? "").hasPrefix("reference") }
        #expect(references.count == 1)
        let reference = try #require(references.first)
        #expect(reference.attributes["data-id"] == "H1")
        let expectedY = top + height * (1 - (log10(400) - 2) / 2)
        #expect(abs((Double(reference.attributes["cy"] ?? "") ?? .nan) - expectedY) < 0.006)
        // Left of the pair.
        let untreated = try #require(svg.elements.first { $0.name == "circle" && ($0.attributes["class"] ?? "").hasPrefix("ut") && $0.attributes["data-id"] == "H1" })
        #expect(Double(reference.attributes["cx"] ?? "") ?? .infinity < Double(untreated.attributes["cx"] ?? "") ?? 0)

        let f1 = try #require(figures.first { $0.name == "F1_primary_CCL18" })
        #expect(!f1.svg.contains("class=\"reference"))
    }

    @Test("F5 puts the overall HL of L and each level's median on the log2 axis")
    func forestPositions() throws {
        let outcomes = try ReportFixture().outcomes()
        let f5 = StudyFigures.forest(outcomes)
        let svg = try Elements.parse(f5.svg)
        let area = try #require(svg.elements.first { $0.attributes["class"] == "plot-area" }?.attributes)
        let left = try #require(Double(area["x"] ?? "")), width = try #require(Double(area["width"] ?? ""))
        let low = try #require(Double(area["data-low"] ?? "")), high = try #require(Double(area["data-high"] ?? ""))
        // L per patient, computed here: log2(800/2000), log2(1200/5000), log2(25/900).
        let l = [log2(800.0 / 2000), log2(1200.0 / 5000), log2(25.0 / 900)]
        #expect(low < l.min() ?? 0 && high > 0)
        // Subset: limited = P1 alone; diffuse = P2, P3, whose median is their mean.
        let diffuse = (l[1] + l[2]) / 2
        let marks = svg.elements.filter { $0.attributes["class"] == "estimate" }
        let diffuseMark = try #require(marks.last { $0.attributes["data-label"] == "diffuse" })
        #expect(abs((Double(diffuseMark.attributes["data-x"] ?? "") ?? .nan) - (left + width * (diffuse - low) / (high - low))) < 0.006)
        let limitedMark = try #require(marks.last { $0.attributes["data-label"] == "limited" })
        #expect(abs((Double(limitedMark.attributes["data-x"] ?? "") ?? .nan) - (left + width * (l[0] - low) / (high - low))) < 0.006)
        // Overall: HL of three values = median of the 6 Walsh averages.
        let walsh = [l[0], l[1], l[2], (l[0] + l[1]) / 2, (l[0] + l[2]) / 2, (l[1] + l[2]) / 2].sorted()
        let hl = (walsh[2] + walsh[3]) / 2
        let overall = try #require(marks.first { $0.name == "path" })
        #expect(abs((Double(overall.attributes["data-x"] ?? "") ?? .nan) - (left + width * (hl - low) / (high - low))) < 0.006)
    }

    @Test("a missing sample, a rejected curve and a NOT_READ sample appear in the footnotes, the index and the subject pages")
    func missingAndExcludedAreReported() throws {
        let fixture = try ReportFixture()
        let out = fixture.folder.path("out")
        _ = try fixture.writeReport(to: out)
        let footnotes = try String(contentsOfFile: out + "/footnotes.md", encoding: .utf8)
        #expect(footnotes.contains("excluded CURVE_REJECTED: 2 (P1_UT, P1_RUX)"))
        #expect(footnotes.contains("excluded NOT_READ: 1 (P2_UT)"))
        #expect(footnotes.contains("- P3_UT CXCL10: no row of plate CXCL10_1 in concentrations.csv"))
        let index = try String(contentsOfFile: out + "/report/index.html", encoding: .utf8)
        let missing = try #require(index.range(of: "id=\"missing\""))
        let tail = String(index[missing.lowerBound...])
        #expect(tail.contains("<a href=\"subjects/P3.html\">P3_UT</a></td><td>CXCL10</td>"))
        #expect(tail.contains("<a href=\"subjects/P1.html\">P1_UT</a></td><td>IL-6</td><td><span class=\"flag excluded\">CURVE_REJECTED</span>"))
        #expect(tail.contains("<a href=\"subjects/P2.html\">P2_UT</a></td><td>IL-6</td><td><span class=\"flag excluded\">NOT_READ</span>"))
        let p2 = try String(contentsOfFile: out + "/report/subjects/P2.html", encoding: .utf8)
        #expect(p2.contains("excluded: NOT_READ"))
        let p3 = try String(contentsOfFile: out + "/report/subjects/P3.html", encoding: .utf8)
        #expect(p3.contains("<h2>Missing results</h2>") && p3.contains("P3_UT</td><td>CXCL10"))
        // The informational flag is grey, not a warning.
        #expect(p3.contains("<span class=\"flag info\">GEOMEAN_EXCLUDED</span>"))
        #expect(!p3.contains("flag warn\">GEOMEAN_EXCLUDED"))
    }

    @Test("every href and src of every page resolves inside the output set, and input text is escaped")
    func linksResolve() throws {
        let fixture = try ReportFixture()
        let out = fixture.folder.path("out")
        let (report, _) = try fixture.writeReport(to: out)
        let root = URL(fileURLWithPath: out + "/report")
        let pages = ["index.html"] + report.subjectIDs.map { "subjects/\($0).html" }
        var images = 0
        for page in pages {
            let url = root.appendingPathComponent(page)
            let html = try String(contentsOf: url, encoding: .utf8)
            let pattern = try NSRegularExpression(pattern: #"(href|src)="([^"]*)""#)
            for match in pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
                guard let range = Range(match.range(at: 2), in: html) else { continue }
                let link = String(html[range])
                if link.hasPrefix("#") { continue }
                #expect(!link.contains("://") && !link.hasPrefix("/") && !link.hasPrefix("data:"), "\(page): \(link) is local and relative")
                let target = url.deletingLastPathComponent().appendingPathComponent(String(link.split(separator: "#").first ?? ""))
                #expect(FileManager.default.fileExists(atPath: target.standardizedFileURL.path), "\(page): \(link) resolves")
                if html[html.index(range.lowerBound, offsetBy: -5)...].hasPrefix("src") { images += 1 }
            }
        }
        // Two gallery images per culture sample: 4 per patient, 4 for the donor.
        #expect(images == 16)
        let p1 = try String(contentsOfFile: out + "/report/subjects/P1.html", encoding: .utf8)
        #expect(p1.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"))
        #expect(!p1.contains("<script>alert"))
    }

    @Test("headless Chromium renders index.html and a subject page with no broken image and no console error",
          .enabled(if: ChromiumCheck.executable != nil, "Chromium is absent (Debian package chromium): browser check skipped"))
    func chromiumRendersThePages() throws {
        let fixture = try ReportFixture()
        let out = fixture.folder.path("out")
        let (_, written) = try fixture.writeReport(to: out, chromium: HeadlessChromium.find())
        #expect(written.pngNote.contains("PNG copies of 7 figures"), "\(written.pngNote)")
        #expect(FileManager.default.fileExists(atPath: out + "/report/figures/F1_primary_CCL18.png"))
        for page in ["index.html", "subjects/P1.html"] {
            let check = try #require(try ChromiumCheck.load(URL(fileURLWithPath: out + "/report/" + page)))
            #expect(check.status == 0, "\(check.stderr.suffix(1000))")
            #expect(check.brokenImages == 0, "\(page): \(check.brokenImages.map(String.init) ?? "no count: the page script did not run")")
            #expect(check.consoleMessages.isEmpty, "\(page): \(check.consoleMessages)")
        }
    }

    @Test("the index's Assay quality section shows the plate and tube tables and escapes what the inputs say")
    func assayQuality() throws {
        let fixture = try ReportFixture()
        var outcomes = try fixture.outcomes()
        let data = outcomes.data
        var qc = AssayQC(plates: try ELISAPlateQC(elisa: fixture.inputs.elisa),
                         tubes: try FCSFileQC(flow: fixture.inputs.flow, samples: data.samples, sheet: fixture.inputs.samples))
        qc.plates.plates[0].analyte = "<b>CCL18</b>"
        qc.tubes.notes.append("tube <script>alert(1)</script>")
        outcomes.assayQC = qc
        let report = StudyReport(outcomes: outcomes, provenance: Provenance(inputs: fixture.inputs, flowstudyVersion: "test"), gallery: nil)
        let index = report.indexPage()
        let section = try #require(index.range(of: "<h2 id=\"tq\">Assay quality (TQ)</h2>"))
        let tail = String(index[section.upperBound...])
        #expect(index.contains("<a href=\"#tq\">Assay quality</a>"))
        #expect(tail.contains("<h3>ELISA plates</h3>") && tail.contains("<h3>FCS tubes</h3>"))
        // The fixture's concentrations.csv has no role column: every row counts; CCL18_1 holds 8 results, 1 below the LLOQ.
        #expect(tail.contains("<tr><td>CCL18_1</td><td>&lt;b&gt;CCL18&lt;/b&gt;</td>"), "\(tail.prefix(2000))")
        #expect(tail.contains("<td class=\"num\">8</td><td class=\"num\">1</td>"))
        #expect(tail.contains("<span class=\"hash\">fcs/P1_UT.fcs</span>"))
        #expect(tail.contains("tube &lt;script&gt;alert(1)&lt;/script&gt;") && !tail.contains("<script>alert"))
        #expect(tail.contains("curves.json is absent"))
    }
}
