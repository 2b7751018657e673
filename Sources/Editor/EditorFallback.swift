import Hummingbird
import Synchronization

/// Says what went wrong where the router would answer with an empty 404: a path the editor does not serve (404,
/// naming it) or a method a path does not take (405, with `Allow`). Errors that carry a message pass unchanged.
struct EditorFallback<Context: RequestContext>: RouterMiddleware {
    /// The routes as the server adds them (Hummingbird does not expose its own table).
    let served: ServedRoutes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            let path = request.uri.path
            guard let allowed = served.methods(for: path), !allowed.contains(request.method) else {
                throw HTTPError(.notFound, message: "the editor serves no '\(path)'")
            }
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            throw HTTPError(.methodNotAllowed, headers: [.allow: names], message: "\(path) takes \(names), not \(request.method.rawValue)")
        }
    }
}

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
