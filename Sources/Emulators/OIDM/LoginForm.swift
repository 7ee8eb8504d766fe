import Mustache

/// The emulator's sign-in page: a plain HTML form with `username` and `password`, carrying
/// the authorization request in hidden fields. Mustache escapes every value, so nothing a
/// query string holds becomes markup.
struct LoginForm: Sendable {
    private let template: MustacheTemplate

    init() {
        // A fixed template; a parse failure would be a bug caught by every test that signs in.
        template = try! MustacheTemplate(string: Self.html)
    }

    func render(action: String, fields: [String: String], client: String, failed: Bool) -> String {
        let hidden = fields.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] }
        var values: [String: Any] = ["action": action, "hidden": hidden, "client": client]
        if failed { values["failed"] = true }
        return template.render(values)
    }

    private static let html = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Sign in — OIDM emulator</title>
        <style>body { font-family: system-ui, sans-serif; margin: 3em auto; max-width: 22em; }
        label, input, button { display: block; width: 100%; margin: 0.4em 0; } .error { color: #a00; }</style>
        </head>
        <body>
        <h1>Sign in</h1>
        <p>to <b>{{client}}</b></p>
        {{#failed}}<p class="error" id="error">Wrong username or password.</p>{{/failed}}
        <form method="post" action="{{action}}">
        {{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">
        {{/hidden}}<label>Username <input name="username" id="username" autocomplete="username" required></label>
        <label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
        <button type="submit" id="sign-in">Sign in</button>
        </form>
        </body>
        </html>
        """
}
