/// Typed access to the standard acquisition keywords.
extension Sample {
    /// `$DATE` as written (FCS 3.x: `dd-mmm-yyyy`).
    public var date: String? { keywords["$DATE"]?.trimmingSpaces }
    /// `$BTIM`: clock time acquisition began, as written (`hh:mm:ss[.cc]`).
    public var beginTime: String? { keywords["$BTIM"]?.trimmingSpaces }
    /// `$ETIM`: clock time acquisition ended, as written.
    public var endTime: String? { keywords["$ETIM"]?.trimmingSpaces }
    /// `$FIL`: the file name the instrument gave the data set.
    public var originalFileName: String? { keywords["$FIL"] }
    /// `$SRC`: the specimen source.
    public var source: String? { keywords["$SRC"] }

    /// Seconds from `$BTIM` to `$ETIM` (across midnight when the end is earlier), or nil when either is absent
    /// or unreadable.
    public var acquisitionSeconds: Double? {
        guard let begin = beginTime.flatMap(Self.seconds), let end = endTime.flatMap(Self.seconds) else { return nil }
        return end >= begin ? end - begin : end + 86_400 - begin
    }

    /// `hh:mm:ss`, `hh:mm:ss.cc` (FCS 3.1 hundredths) or `hh:mm:ss:tt` (FCS 2.0/3.0 sixtieths) in seconds.
    static func seconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":")
        guard parts.count == 3 || parts.count == 4, let h = Double(parts[0]), let m = Double(parts[1]), let s = Double(parts[2]),
              h >= 0, h < 24, m >= 0, m < 60, s >= 0, s < 61 else { return nil }
        var total = h * 3600 + m * 60 + s
        if parts.count == 4 {
            guard let ticks = Double(parts[3]), ticks >= 0, ticks < 60 else { return nil }
            total += ticks / 60
        }
        return total
    }
}
