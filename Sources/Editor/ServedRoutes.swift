import Hummingbird
import Synchronization

/// Each path the editor serves and its methods, recorded by ``EditorServer/router()`` as it adds each route (before
/// the server answers anything), so the fallback's 405s can never disagree with the routes.
final class ServedRoutes: Sendable {
    /// Literal paths, and the prefixes of paths ending in a parameter (`/static/:name` is `/static/`).
    private let table = Mutex<(paths: [String: [HTTPRequest.Method]], prefixes: [String: [HTTPRequest.Method]])>(([:], [:]))

    /// Records that `path` (a route pattern) answers `method`.
    func add(_ path: String, _ method: HTTPRequest.Method) {
        table.withLock { table in
            if let colon = path.range(of: "/:") {
                table.prefixes[String(path[..<colon.lowerBound]) + "/", default: []].append(method)
            } else {
                table.paths[path, default: []].append(method)
            }
        }
    }

    /// The methods `path` takes, or nil when the editor serves no such path.
    func methods(for path: String) -> [HTTPRequest.Method]? {
        table.withLock { table in
            table.paths[path] ?? table.prefixes.first { prefix, _ in
                // One parameter segment: `/static/app.js`, not `/static/` or `/static/a/b`.
                path.hasPrefix(prefix) && path.count > prefix.count && !path.dropFirst(prefix.count).contains("/")
            }?.value
        }
    }
}
