import Hummingbird

/// Says what went wrong where the router would answer with an empty 404: a path the editor does not serve (404,
/// naming it) or a method a path does not take (405, with `Allow`). Errors that carry a message pass unchanged.
struct EditorFallback<Context: RequestContext>: RouterMiddleware {
    /// Each path the editor serves and its methods; `/static/` stands for every file under it.
    static var methods: [String: [HTTPRequest.Method]] {
        ["/": [.get], "/static/": [.get], "/api/state": [.get], "/api/plot": [.get], "/api/thumbnail": [.get],
         "/api/preview": [.post], "/api/gate": [.post], "/api/readout": [.post], "/api/undo": [.post],
         "/api/redo": [.post], "/api/save": [.post]]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            let path = request.uri.path
            let key = path.hasPrefix("/static/") ? "/static/" : path
            guard let allowed = Self.methods[key], !allowed.contains(request.method) else {
                throw HTTPError(.notFound, message: "the editor serves no '\(path)'")
            }
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            throw HTTPError(.methodNotAllowed, headers: [.allow: names], message: "\(path) takes \(names), not \(request.method.rawValue)")
        }
    }
}
