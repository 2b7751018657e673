import Testing
import Gating
import TestSupport
@testable import Plots

/// The outlier rule on hand-computed batches, and which tubes the gallery compares and overlays.
@Suite("Outlier rule and control matching")
struct OutlierRuleTests {
    static func values(_ kind: String, _ percents: [Double]) -> [OutlierRule.Value] {
        percents.enumerated().map { OutlierRule.Value(sample: "\(kind)\($0.offset)", kind: kind, percent: $0.element) }
    }

    @Test("a tight batch: 90.4 % against a median of 91.8 % (MAD 0.4) is beyond 3 MAD but under 2 points, so not flagged")
    func minimumDifference() throws {
        // Sorted: 90.4 91.0 91.4 91.8 91.8 92.2 92.6 → median 91.8; |deviations| 1.4 0.8 0.4 0 0 0.4 0.8 → MAD 0.4.
        let batch = Self.values("s", [91.0, 91.4, 91.8, 91.8, 92.2, 92.6, 90.4])
        #expect(OutlierRule().outliers(of: "live", batch).isEmpty)
        // With a minimum of 1 point, 1.4 > 3 × 0.4 and ≥ 1: flagged, with the kind's statistics.
        let loose = OutlierRule(minimumDifference: 1).outliers(of: "live", batch)
        let flagged = try #require(loose.first)
        #expect(loose.count == 1 && flagged.sample == "s6" && flagged.percent == 90.4 && flagged.median == 91.8 && flagged.compared == 7)
        #expect(abs(flagged.mad - 0.4) < 1e-12, "92.2 − 91.8 in doubles: \(flagged.mad)")
    }

    @Test("kinds are compared apart; a MAD of 0 leaves the minimum difference to decide; fewer than 3 tubes flag nothing")
    func kinds() {
        // Stained at 40…60 % and FMO tubes at 0 %: together every FMO tube would be far below the median.
        let stained = Self.values("stained", [40, 45, 50, 55, 60])
        let fmo = Self.values("FMO CD206", [0, 0, 0, 5])
        let flagged = OutlierRule().outliers(of: "CD206+", stained + fmo)
        // FMO kind: median 0, MAD 0; 5 points away ≥ 2: flagged. Stained: median 50, MAD 5, none beyond 15.
        #expect(flagged.map(\.sample) == ["FMO CD2063"])
        #expect(OutlierRule().outliers(of: "x", Self.values("FMO", [0, 0, 0, 1])).isEmpty, "1 point < 2")
        #expect(OutlierRule().outliers(of: "x", Self.values("few", [0, 90])).isEmpty)
    }

    /// The study template's panel and gates (CD206's alias MRC1 included), read from the repository.
    static func template() throws -> GatingTemplate {
        try TemplateReader.read(contentsOf: SharedData.repositoryRoot.appendingPathComponent("gating-templates/mdm-macrophages.json").path)
    }

    @Test("controls: matched by subject, condition and marker (aliases through the panel), FMO before isotype; own-marker gates left out")
    func matching() throws {
        let entries: [ReviewGallery.Entry] = [
            .init(id: "A_UT", file: "a", subject: "A", condition: "UT"),
            .init(id: "A_UT_ISO", file: "b", subject: "A", condition: "UT", controlType: "isotype", controlMarker: "CD206"),
            .init(id: "A_UT_FMO", file: "c", subject: "A", condition: "UT", controlType: "FMO", controlMarker: "MRC1"),
            .init(id: "A_RUX_FMO", file: "d", subject: "A", condition: "RUX", controlType: "FMO", controlMarker: "CD206"),
            .init(id: "B_UT_FMO", file: "e", subject: "B", condition: "UT", controlType: "FMO", controlMarker: "CD206"),
            .init(id: "A_UT_FMO_DR", file: "f", subject: "A", condition: "UT", controlType: "FMO", controlMarker: "MHCII"),
        ]
        let gallery = ReviewGallery(template: try Self.template(), templateText: "", entries: entries)
        let matched = gallery.matchedControls()
        #expect(matched[0]?["CD206+"] == [2, 1], "FMO (named by its alias MRC1) first, then the isotype; not RUX's, not B's")
        #expect(matched[0]?["HLA-DR+"] == [5], "MHCII is an alias of HLA-DR")
        #expect(matched[0]?["CD86+"] == nil && matched[0]?["macrophages"] == nil, "no control, and 2-D gates get no overlay")
        #expect(matched.keys.sorted() == [0], "controls get no overlays themselves")
        let cd206 = try #require(gallery.columns.first { $0.id == "CD206+" }), live = try #require(gallery.columns.first { $0.id == "live" })
        #expect(gallery.isOwnMarkerGate(cd206, of: entries[2]) && gallery.isOwnMarkerGate(cd206, of: entries[1]))
        #expect(!gallery.isOwnMarkerGate(live, of: entries[2]) && !gallery.isOwnMarkerGate(cd206, of: entries[0]))
        #expect(gallery.kind(entries[2]) == "FMO CD206" && gallery.kind(entries[5]) == "FMO HLA-DR" && gallery.kind(entries[0]) == "stained")
    }
}
