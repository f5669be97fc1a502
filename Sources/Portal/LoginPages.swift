/// The login and activation forms (before there is a session).
enum LoginPages {
    static func login(csrf: String, message: String? = nil, username: String = "") -> String {
        let e = HTML.esc
        var b = "<section><h2>登录</h2>"
        if let message { b += "<p class=\"msg\" role=\"alert\">\(e(message))</p>" }
        b += "<form method=\"post\" action=\"/login\">\(HTML.csrfField(csrf))"
        b += "<label for=\"username\">用户名（社区干部填工号）</label><input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" required value=\"\(e(username))\">"
        b += "<label for=\"password\">密码</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>"
        b += "<button type=\"submit\">登录</button></form>"
        b += "<p class=\"muted\">第一次使用？<a href=\"/activate\">用激活码设置密码</a></p></section>"
        return HTML.page(title: "登录", nav: nil, body: b)
    }

    static func activate(csrf: String, message: String? = nil, cadreID: String = "") -> String {
        let e = HTML.esc
        var b = "<section><h2>激活账户</h2><p class=\"muted\">请输入工号和民政局发放的激活码，并设置密码。激活码只能使用一次。</p>"
        if let message { b += "<p class=\"msg\" role=\"alert\">\(e(message))</p>" }
        b += "<form method=\"post\" action=\"/activate\">\(HTML.csrfField(csrf))"
        b += "<label for=\"cadre\">工号</label><input type=\"text\" id=\"cadre\" name=\"cadre\" required value=\"\(e(cadreID))\">"
        b += "<label for=\"code\">激活码</label><input type=\"text\" id=\"code\" name=\"code\" autocomplete=\"one-time-code\" required>"
        b += "<label for=\"password\">新密码</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"new-password\" minlength=\"\(PasswordPolicy.minCharacters)\" maxlength=\"\(PasswordPolicy.maxBytes)\" aria-describedby=\"password-rule\" required>"
        b += "<p class=\"muted\" id=\"password-rule\">密码\(HTML.esc(PasswordPolicy.hint))。</p>"
        b += "<label for=\"password2\">再次输入新密码</label><input type=\"password\" id=\"password2\" name=\"password2\" autocomplete=\"new-password\" minlength=\"\(PasswordPolicy.minCharacters)\" maxlength=\"\(PasswordPolicy.maxBytes)\" aria-describedby=\"password-rule\" required>"
        b += "<button type=\"submit\">激活并登录</button></form></section>"
        return HTML.page(title: "激活账户", nav: nil, body: b)
    }

    static func refusal(_ r: Refusal, nav: HTML.Nav?) -> String {
        HTML.page(title: "无法完成", nav: nav, body: "<section><h2>无法完成</h2><p class=\"msg\" role=\"alert\">\(HTML.esc(r.message))</p><p><a href=\"/\">返回首页</a></p></section>")
    }
}
