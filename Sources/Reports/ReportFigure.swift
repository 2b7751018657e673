/// One figure of the report: its file stem, what it shows, and its SVG (the figure of record).
public struct ReportFigure: Sendable {
    /// The file stem (`F1_primary_CCL18`): `figures/<stem>.svg`, and `.png` when Chromium renders it.
    public var name: String
    /// The caption, plain text.
    public var caption: String
    /// The SVG document.
    public var svg: String
    /// The size in pixels (for the PNG copy).
    public var size: (width: Double, height: Double)

    /// A figure.
    public init(name: String, caption: String, svg: String, size: (width: Double, height: Double)) {
        self.name = name
        self.caption = caption
        self.svg = svg
        self.size = size
    }
}
