import Foundation
import Tables

/// The ELISA half of the assay QC (TQ): one row per analysed plate of an ELISA folder, `TQ_elisa_plates.csv`.
///
/// The curve's columns come from `curves.json` (model, weights, parameters, R², passing levels, LLOQ/ULOQ in the
/// well, acceptance, convergence); the counts from `concentrations.csv`, over the plate's `role = sample` rows
/// (controls are not samples of the study). A field an older ELISA folder lacks is left empty and named in
/// ``notes``; a field of the wrong kind is an ``OutcomesError`` naming the file and the place in it.
public struct ELISAPlateQC: Sendable {
    /// The table's file name.
    public static let fileName = "TQ_elisa_plates.csv"
    /// The reference's `elisa_plates.csv` columns without `seed`, then `param_g, converged, n_not_read`.
    public static let header = ["plate", "analyte", "model", "weights", "r_squared", "levels_passing", "levels", "lloq_in_well", "uloq_in_well",
                                "curve_accepted", "param_a", "param_b", "param_c", "param_d", "n_samples", "n_below_lloq", "n_above_uloq",
                                "n_high_cv", "param_g", "converged", "n_not_read"]

    /// One plate's curve and counts; nil where the inputs do not say.
    public struct Plate: Sendable, Equatable {
        /// The plate id (runs.csv `plate`).
        public var plate: String
        /// The analyte measured.
        public var analyte: String?
        /// `4PL` or `5PL`.
        public var model: String?
        /// The fit's weighting (`none`, `1/y^2`).
        public var weights: String?
        /// R² of the fit.
        public var rSquared: Double?
        /// Standard levels that pass recovery and CV.
        public var levelsPassing: Int?
        /// Standard levels on the plate (the curve's standards).
        public var levels: Int?
        /// LLOQ in the well.
        public var lloqInWell: Double?
        /// ULOQ in the well.
        public var uloqInWell: Double?
        /// Whether the curve was accepted.
        public var curveAccepted: Bool?
        /// The curve's parameters by name (`a`, `b`, `c`, `d`, and `g` for a 5PL).
        public var parameters: [String: Double] = [:]
        /// Whether the fit converged.
        public var converged: Bool?
        /// Sample results (role `sample`, one per sample and dilution) on the plate.
        public var samples: Int?
        /// Of them, below the LLOQ.
        public var belowLLOQ: Int?
        /// Above the ULOQ.
        public var aboveULOQ: Int?
        /// Flagged `HIGH_CV`.
        public var highCV: Int?
        /// With no readable well (`NOT_READ`).
        public var notRead: Int?

        /// A plate with nothing known but its id.
        public init(plate: String) { self.plate = plate }

        /// The CSV row, in ``ELISAPlateQC/header`` order.
        public var row: [String] {
            [plate, analyte ?? "", model ?? "", weights ?? "", AssayQC.text(rSquared), AssayQC.text(levelsPassing), AssayQC.text(levels),
             AssayQC.text(lloqInWell), AssayQC.text(uloqInWell), AssayQC.text(curveAccepted), AssayQC.text(parameters["a"]),
             AssayQC.text(parameters["b"]), AssayQC.text(parameters["c"]), AssayQC.text(parameters["d"]), AssayQC.text(samples),
             AssayQC.text(belowLLOQ), AssayQC.text(aboveULOQ), AssayQC.text(highCV), AssayQC.text(parameters["g"]),
             AssayQC.text(converged), AssayQC.text(notRead)]
        }
    }

    /// The plates, in `curves.json` order, then plates only `concentrations.csv` names.
    public var plates: [Plate]
    /// What the table's footnote must say: fields the inputs lack, plates without a curve, failed plates.
    public var notes: [String]

    /// `TQ_elisa_plates.csv`.
    public var table: OutcomeTable { OutcomeTable(name: Self.fileName, header: Self.header, rows: plates.map(\.row)) }

    /// Reads the ELISA folder `elisa` (`curves.json`, `concentrations.csv`, and `errors.csv` when present).
    public init(elisa folder: String) throws {
        let curvesPath = folder + "/curves.json"
        let concentrationsPath = folder + "/concentrations.csv"
        var notes: [String] = []
        var plates: [Plate] = []
        if FileManager.default.fileExists(atPath: curvesPath) {
            plates = try Self.curves(curvesPath, notes: &notes)
        } else {
            notes.append("\(curvesPath) is absent (an ELISA folder written by an older FlowStudy): the curve columns are empty.")
        }
        try Self.count(concentrationsPath, into: &plates, notes: &notes)
        notes += try Self.failures(folder + "/errors.csv")
        self.plates = plates
        self.notes = notes
    }

    /// The plates of `curves.json` (`{"curves": [...]}`, or a bare array from older versions).
    static func curves(_ path: String, notes: inout [String]) throws -> [Plate] {
        let object = try JSONRecord.document(path)
        let list: [Any]
        if let document = object as? [String: Any] {
            guard let curves = document["curves"] as? [Any] else { throw OutcomesError(file: path, place: "curves", "expected an array of curve records") }
            list = curves
        } else if let array = object as? [Any] {
            list = array
        } else {
            throw OutcomesError(file: path, "expected an object with an array 'curves'")
        }
        var absent: [String: [String]] = [:]
        var order: [String] = []
        var plates: [Plate] = []
        for (index, item) in list.enumerated() {
            let place = "curves[\(index)]"
            guard let fields = item as? [String: Any] else { throw OutcomesError(file: path, place: place, "expected an object (a curve record)") }
            let record = JSONRecord(file: path, place: place, fields: fields)
            guard let id = try record.text("plate") else { throw OutcomesError(file: path, place: place + ".plate", "expected the plate id, found none") }
            var plate = Plate(plate: id)
            func lacks(_ field: String) {
                if absent[field] == nil { order.append(field) }
                absent[field, default: []].append(id)
            }
            func get<T>(_ field: String, _ read: (String) throws -> T?) rethrows -> T? {
                let value = try read(field)
                if value == nil && !record.has(field) { lacks(field) }
                return value
            }
            plate.analyte = try get("analyte", record.text)
            plate.model = try get("model", record.text)
            plate.weights = try get("weights", record.text)
            plate.rSquared = try get("r_squared", record.number)
            plate.levelsPassing = try get("levels_passing", record.count)
            plate.lloqInWell = try get("lloq_in_well", record.number)
            plate.uloqInWell = try get("uloq_in_well", record.number)
            plate.curveAccepted = try get("curve_accepted", record.flag)
            plate.converged = try get("converged", record.flag)
            if let standards = try get("standards", record.array) { plate.levels = standards.count }
            if let parameters = try get("parameters", record.object) {
                let inner = JSONRecord(file: path, place: place + ".parameters", fields: parameters)
                var names = ["a", "b", "c", "d"]
                if plate.model == "5PL" { names.append("g") }
                for name in names {
                    if let value = try inner.number(name) { plate.parameters[name] = value } else if !inner.has(name) { lacks("parameters." + name) }
                }
            }
            plates.append(plate)
        }
        for field in order {
            let ids = absent[field] ?? []
            notes.append("\(path) has no `\(field)` for plate\(ids.count == 1 ? "" : "s") \(ids.joined(separator: ", ")) "
                         + "(an ELISA folder written by an older FlowStudy): left empty.")
        }
        return plates
    }

    /// Counts each plate's sample results in `concentrations.csv` (only `role = sample` rows; without a `role`
    /// column, every row, as the outcomes read it).
    static func count(_ path: String, into plates: inout [Plate], notes: inout [String]) throws {
        let sheet = try SheetReader(path, required: ["plate", "status"], syntax: .written)
        try sheet.requireWellFormed()
        if !sheet.has("role") {
            notes.append("\(path) has no `role` column (an ELISA folder written by an older FlowStudy): every row is counted as a sample.")
        }
        let hasFlags = sheet.has("flags")
        if !hasFlags { notes.append("\(path) has no `flags` column: n_high_cv is left empty.") }
        var index = Dictionary(plates.enumerated().map { ($1.plate, $0) }, uniquingKeysWith: { first, _ in first })
        var withoutCurve: [String] = []
        for i in plates.indices {
            plates[i].samples = 0
            plates[i].belowLLOQ = 0
            plates[i].aboveULOQ = 0
            plates[i].notRead = 0
            if hasFlags { plates[i].highCV = 0 }
        }
        for row in sheet.rows {
            if sheet.has("role") && sheet.text(row, "role") != "sample" { continue }
            let id = sheet.text(row, "plate")
            let i: Int
            if let known = index[id] {
                i = known
            } else {
                var plate = Plate(plate: id)
                plate.analyte = sheet.optionalText(row, "analyte")
                (plate.samples, plate.belowLLOQ, plate.aboveULOQ, plate.notRead) = (0, 0, 0, 0)
                if hasFlags { plate.highCV = 0 }
                plates.append(plate)
                i = plates.count - 1
                index[id] = i
                withoutCurve.append(id)
            }
            plates[i].samples? += 1
            switch sheet.text(row, "status") {
            case ConcentrationResult.Status.belowLLOQ.rawValue: plates[i].belowLLOQ? += 1
            case ConcentrationResult.Status.aboveULOQ.rawValue: plates[i].aboveULOQ? += 1
            case ConcentrationResult.Status.notRead.rawValue: plates[i].notRead? += 1
            default: break
            }
            if hasFlags && sheet.text(row, "flags").split(separator: ";").contains("HIGH_CV") { plates[i].highCV? += 1 }
        }
        if !withoutCurve.isEmpty {
            notes.append("Plate\(withoutCurve.count == 1 ? "" : "s") \(withoutCurve.joined(separator: ", ")) of \(path) without a curve record: curve columns empty.")
        }
    }

    /// The plates the ELISA run could not analyse (its `errors.csv`), one note each.
    static func failures(_ path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let sheet = try SheetReader(path, required: [], syntax: .written)
        try sheet.requireWellFormed()
        return sheet.rows.map { row in
            "Plate \(sheet.text(row, "plate")) failed and is not in the table: \(sheet.text(row, "error"))"
        }
    }
}
