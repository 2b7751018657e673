import Simulation

/// What ``StudyGenerator`` makes: the cohort's size, the events per tube, and the seed that fixes every draw.
public struct DemoSettings: Codable, Equatable, Sendable {
    /// Random seed: the same settings write byte-identical files.
    public var seed: UInt64 = 1
    /// SSc patients (arm `SSC_MDM`, conditions `UT` and `RUX`).
    public var patients: Int = 24
    /// Healthy donors (arm `HD_SSCSERUM`, conditions `SERUM` and `SERUM_RUX`), each exposed to one patient's serum.
    public var donors: Int = 8
    /// Events per culture tube.
    public var events: Int = 20_000
    /// Events per FMO tube (one per readout marker and culture tube).
    public var fmoEvents: Int = 5_000

    /// The defaults: 24 patients, 8 donors, 20,000 events per culture tube and 5,000 per FMO tube, seed 1.
    public init() {}

    /// Settings with the given values.
    public init(seed: UInt64, patients: Int, donors: Int, events: Int, fmoEvents: Int) {
        self.seed = seed
        self.patients = patients
        self.donors = donors
        self.events = events
        self.fmoEvents = fmoEvents
    }

    /// Checks the values: at least 2 patients (a paired test needs pairs), donors ≥ 0 and at most 99 of each (ids
    /// have two digits), and at least 100 events per tube (fewer leave too few macrophages to gate).
    public func validate() throws {
        var problems: [String] = []
        if !(2...99).contains(patients) { problems.append("--patients must be 2 to 99, not \(patients)") }
        if !(0...99).contains(donors) { problems.append("--donors must be 0 to 99, not \(donors)") }
        let most = MacrophageSimulator.maximumEvents
        if !(100...most).contains(events) { problems.append("--events must be 100 to \(MacrophageSimulator.maximumEventsText), not \(events)") }
        if !(100...most).contains(fmoEvents) { problems.append("--fmo-events must be 100 to \(MacrophageSimulator.maximumEventsText), not \(fmoEvents)") }
        guard problems.isEmpty else { throw DemoError(.badSettings, problems.joined(separator: "; ")) }
    }
}
