import Foundation
import Outcomes

extension StudyReport {
    /// Flags that inform but do not warn (printed grey, not as a problem).
    static let informationalFlags: Set<String> = ["GEOMEAN_EXCLUDED"]

    /// A flag as a badge: grey when informational, amber otherwise, red when it excludes the result.
    static func flagBadge(_ flag: String) -> String {
        let kind = informationalFlags.contains(flag) ? "info" : (flag == "CURVE_REJECTED" || flag == "CURVE_NOT_CONVERGED" || flag == "NOT_READ" ? "excluded" : "warn")
        return "<span class=\"flag \(kind)\">\(HTML.escape(flag))</span>"
    }

    /// The page of subject `id` (nil for an unknown subject): clinical summary, samples, each analyte untreated
    /// vs treated with status and flags, each marker's MFI and % positive with the control's MFI, the threshold
    /// and the treated − untreated difference, and the gate plots `images`, linked through `source`.
    public func subjectPage(_ id: String, images: [GalleryImages.Image], source: (GalleryImages.Image) -> String) -> String {
        let e = HTML.escape
        let data = outcomes.data
        guard let subject = data.subjects[id] else {
            return HTML.page(title: "Unknown subject", body: "<p>No subject \(e(id)) in the clinical sheet.</p>")
        }
        var body = "<p class=\"screen-only small\"><a href=\"../index.html\">← study report</a></p>\n"
        body += "<h1>Subject \(e(id)) <span class=\"muted small\">\(e(subject.group == .ssc ? "SSc patient" : "healthy donor"))</span></h1>\n"
        body += "<h2>Clinical summary</h2>\n" + HTML.table(["item", "value"], Self.clinicalRows(subject).map { [e($0.0), e($0.1)] })
        let samples = data.samples.filter { $0.subjectID == id }
        body += "<h2>Samples</h2>\n" + HTML.table(["sample", "arm", "condition", "serum from", "culture date", "batch", "ruxolitinib µM", "vehicle", "viability %", "control"],
            samples.map { s in
                [e(s.id), e(s.arm.rawValue), e(s.condition.rawValue), e(s.serumSubjectID ?? ""), e(s.cultureDate ?? ""), e(s.cultureBatch ?? ""),
                 HTML.number(s.ruxolitinibMicromolar), e(s.vehicle ?? ""), HTML.number(s.viabilityPercent),
                 e(s.controlType.map { "\($0.rawValue) \(s.controlMarker ?? "")" } ?? "")]
            })
        let groups = Self.pairGroups(samples.filter(\.isCulture))
        body += analyteSection(groups)
        body += markerSection(groups)
        let missing = data.missing.filter { m in samples.contains { $0.id == m.sampleID } }
        if !missing.isEmpty {
            body += "<h2>Missing results</h2>\n" + HTML.table(["sample", "readout", "reason"], missing.map { [e($0.sampleID), e($0.readout), e($0.reason)] })
        }
        body += "<h2>Gate plots</h2>\n"
        if images.isEmpty {
            body += "<p class=\"muted\">" + (gallery == nil ? "No review gallery was given (flowstudy outcomes --review DIR)." : "The review gallery has no cell for this subject's samples.") + "</p>\n"
        }
        for sample in samples.filter(\.isCulture) {
            let own = images.filter { $0.sample == sample.id }
            guard !own.isEmpty else { continue }
            body += "<h3>\(e(sample.id)) <span class=\"muted small\">\(e(sample.condition.rawValue))</span></h3>\n<div class=\"gates\">\n"
            for image in own {
                let percent = image.percent.map { HTML.number($0) + " % of parent" } ?? ""
                body += "<figure><img src=\"\(source(image))\" alt=\"\(e(image.population)) gate of \(e(sample.id))\">"
                body += "<figcaption>\(e(image.population)) \(percent)</figcaption></figure>\n"
            }
            body += "</div>\n"
        }
        body += "<p class=\"small muted\">Gate plots are the review gallery's images (not re-gated): the parent population's density with the gate; % from the gating engine.</p>\n"
        return HTML.page(title: "Subject \(id)", body: body)
    }

    /// The clinical sheet's items for the subject, absent ones left out.
    static func clinicalRows(_ s: Subject) -> [(String, String)] {
        let items: [(String, String?)] = [
            ("group", s.group.rawValue), ("age (years)", s.ageYears.map(String.init)), ("sex", s.sex?.rawValue), ("inclusion date", s.inclusionDate),
            ("cutaneous subset", s.subset?.rawValue), ("disease duration (years)", s.diseaseDurationYears.map { HTML.number($0) }),
            ("ACR/EULAR 2013", s.acrEular2013?.rawValue), ("anticentromere", s.antiCentromere?.rawValue),
            ("anti-topoisomerase I", s.antiTopoisomeraseI?.rawValue), ("anti-RNA polymerase III", s.antiRNAPolymeraseIII?.rawValue),
            ("autoantibody group", s.autoantibodyGroup?.rawValue), ("mRSS", s.mrss.map(String.init)), ("digital ulcers", s.digitalUlcers?.rawValue),
            ("ILD on CT", s.ildCT?.rawValue), ("PAH on echo", s.pahEcho?.rawValue), ("PAH RHC-confirmed", s.pahRHCConfirmed?.rawValue),
            ("immunosuppressant", s.immunosuppressant), ("prednisone (mg/day)", s.prednisoneMgDay.map { HTML.number($0) }), ("notes", s.notes),
        ]
        return items.compactMap { item in item.1.map { (item.0, $0) } }
    }

    /// The subject's culture samples as (label, untreated samples, treated samples): one group in the SSc arm, one
    /// per serum in the HD arm; `HD_CTRL` samples form their own group, untreated side only.
    static func pairGroups(_ samples: [CultureSample]) -> [(label: String, untreated: [CultureSample], treated: [CultureSample])] {
        var groups: [(String, [CultureSample], [CultureSample])] = []
        for arm in StudyArm.allCases {
            let own = samples.filter { $0.arm == arm }
            var sera: [String] = []
            for sample in own where sample.condition != .hdControl && !sera.contains(sample.serumSubjectID ?? "") { sera.append(sample.serumSubjectID ?? "") }
            for serum in sera {
                let set = own.filter { ($0.serumSubjectID ?? "") == serum }
                let label = arm == .sscMDM ? "\(arm.treated.rawValue) vs \(arm.untreated.rawValue)" : "\(arm.treated.rawValue) vs \(arm.untreated.rawValue), serum \(serum)"
                groups.append((label, set.filter { $0.condition == arm.untreated }, set.filter { $0.condition == arm.treated }))
            }
            let controls = own.filter { $0.condition == .hdControl }
            if !controls.isEmpty { groups.append(("HD_CTRL (description only)", controls, [])) }
        }
        return groups
    }

    /// Each analyte: untreated and treated value with status and flags, and the difference.
    func analyteSection(_ groups: [(label: String, untreated: [CultureSample], treated: [CultureSample])]) -> String {
        let data = outcomes.data
        func cell(_ samples: [CultureSample], _ analyte: Analyte) -> (String, Double?) {
            guard !samples.isEmpty else { return ("–", nil) }
            var parts: [String] = []
            var values: [Double] = []
            for sample in samples {
                guard let result = data.concentrations[sample.id]?[analyte] else {
                    if sample.elisaPlateIDs.contains(where: { data.plateAnalytes[$0] == analyte }) { parts.append("<span class=\"flag excluded\">missing</span>") }
                    continue
                }
                var text = HTML.escape(result.valueText ?? HTML.number(result.valueForStats))
                if result.status != .ok { text += " <span class=\"muted\">(\(HTML.escape(result.status.rawValue))"
                    + (result.valueForStats.map { ", for statistics \(HTML.number($0))" } ?? "") + ")</span>" }
                text += result.flags.map(Self.flagBadge).joined()
                if let exclusion = result.exclusion { text += " <span class=\"flag excluded\">excluded: \(exclusion.rawValue)</span>" } else if let v = result.valueForStats { values.append(v) }
                parts.append(text)
            }
            return (parts.isEmpty ? "–" : parts.joined(separator: "<br>"), values.count == 1 ? values[0] : nil)
        }
        var html = "<h2>Soluble factors (ELISA)</h2>\n"
        for group in groups where !group.treated.isEmpty || !group.untreated.isEmpty {
            let untreatedName = group.untreated.first?.condition.rawValue ?? "untreated", treatedName = group.treated.first?.condition.rawValue ?? "treated"
            let rows = Analyte.allCases.compactMap { analyte -> [String]? in
                let u = cell(group.untreated, analyte), t = cell(group.treated, analyte)
                guard u.0 != "–" || t.0 != "–" else { return nil }
                let delta = u.1.flatMap { x in t.1.map { HTML.number($0 - x) } } ?? "–"
                let units = group.untreated.first.flatMap { data.concentrations[$0.id]?[analyte]?.units } ?? "pg/mL"
                return [HTML.escape(analyte.rawValue), HTML.escape(units), u.0, t.0, delta]
            }
            html += rows.isEmpty ? "" : HTML.table(["analyte", "units", untreatedName, treatedName, "Δ (\(treatedName) − \(untreatedName))"], rows,
                                                   caption: HTML.escape(group.label) + ". Values as reported; the value for statistics in brackets when substituted.")
        }
        return html
    }

    /// Each marker: MFI, % positive, control MFI and threshold per condition, and the differences.
    func markerSection(_ groups: [(label: String, untreated: [CultureSample], treated: [CultureSample])]) -> String {
        let data = outcomes.data
        var html = "<h2>Membrane markers (flow)</h2>\n"
        for group in groups {
            guard let u = group.untreated.first else { continue }
            let t = group.treated.first
            let rows = data.measuredMarkers.compactMap { marker -> [String]? in
                let a = data.markers[u.id]?[marker], b = t.flatMap { data.markers[$0.id]?[marker] }
                guard a != nil || b != nil else { return nil }
                func side(_ r: MarkerResult?) -> [String] {
                    [HTML.number(r?.mfi), HTML.number(r?.percentPositive), HTML.number(r?.controlMFI), HTML.number(r?.threshold), HTML.number(r?.events)]
                }
                let dMFI = (a?.mfi).flatMap { x in (b?.mfi).map { HTML.number($0 - x) } } ?? "–"
                let dPct = (a?.percentPositive).flatMap { x in (b?.percentPositive).map { HTML.number($0 - x) } } ?? "–"
                let flags = Set((a?.flags ?? []) + (b?.flags ?? [])).sorted().map(Self.flagBadge).joined()
                return [HTML.escape(marker.rawValue)] + side(a) + side(b) + [dMFI, dPct, flags]
            }
            guard !rows.isEmpty else { continue }
            let un = u.condition.rawValue, tn = t?.condition.rawValue ?? "treated"
            let header = ["marker"] + [un, tn].flatMap { ["\($0) MFI", "\($0) % pos", "\($0) control MFI", "\($0) threshold", "\($0) events"] }
                + ["Δ MFI", "Δ % pos (pp)", "flags"]
            html += HTML.table(header, rows, caption: HTML.escape(group.label) + ". MFI: median of compensated values on the macrophage gate; % positive above the threshold (99th percentile of the control, or a fixed gate); Δ = \(tn) − \(un).")
        }
        return html
    }
}
