import Exact
import Foundation

/// Server-rendered HTML: escaping and the page frame every page shares.
///
/// Pages are plain semantic HTML with a small inline stylesheet, laid out for a 360-pixel
/// phone first and usable without JavaScript (there is none).
enum HTML {
    /// Escapes text for element content and quoted attribute values.
    static func esc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Percent-encodes one path segment (a cadre id, a month, a file name).
    static func segment(_ s: String) -> String {
        var allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".unicodeScalars)
        allowed.remove("/")
        var out = ""
        for b in s.utf8 {
            let scalar = Unicode.Scalar(b)
            if b < 128, allowed.contains(scalar) { out.unicodeScalars.append(scalar) } else { out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2) }
        }
        return out
    }

    static let style = """
        *{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1a1a1a;background:#f6f6f4}
        header{background:#9b1c1c;color:#fff;padding:.5rem .75rem;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;justify-content:space-between}
        header a,header button{color:#fff}header h1{font-size:1.05rem;margin:0}
        nav{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center}
        main{max-width:48rem;margin:0 auto;padding:.75rem}
        section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.75rem;margin:0 0 .75rem}
        h2{font-size:1.1rem;margin:.2rem 0 .5rem}h3{font-size:1rem;margin:.5rem 0 .25rem}
        table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #eee;padding:.3rem .25rem;text-align:left;vertical-align:top}
        td.n,th.n{text-align:right;white-space:nowrap}.nw{white-space:nowrap}details p{margin:.2rem 0}summary{cursor:pointer}
        .big{font-size:1.6rem;font-weight:700}.muted{color:#666;font-size:.85rem}.warn{color:#9b1c1c}
        .kv{display:grid;grid-template-columns:auto 1fr;gap:.15rem .75rem}
        .scroll{overflow-x:auto}
        ul.records{margin:.2rem 0 .4rem;padding-left:1.1rem;font-size:.85rem;color:#333}
        label{display:block;margin:.4rem 0 .15rem}input,select,textarea,button{font:inherit;max-width:100%}
        input[type=text],input[type=password],input[type=number],select,textarea{width:100%;padding:.4rem;border:1px solid #bbb;border-radius:4px}
        button{padding:.45rem .9rem;border:0;border-radius:4px;background:#9b1c1c;color:#fff;margin-top:.5rem}
        header button{background:transparent;border:1px solid #fff;padding:.15rem .5rem;margin:0}
        .state{display:inline-block;padding:0 .4rem;border-radius:3px;background:#eee;font-size:.85rem}
        .msg{padding:.5rem .75rem;border-radius:4px;background:#fff4e5;border:1px solid #f0c36d;margin-bottom:.75rem}
        svg{width:100%;height:auto}
        fieldset{border:1px solid #ddd;border-radius:4px;margin:.5rem 0;padding:.25rem .6rem .6rem}legend{font-weight:600;padding:0 .25rem}
        """

    /// The whole page: header with the account's links, then `body`.
    /// A whole page; `refreshSeconds` reloads it (a batch in progress), without JavaScript.
    static func page(title: String, nav: Nav?, body: String, refreshSeconds: Int? = nil) -> String {
        var h = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        h += "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        if let refreshSeconds { h += "<meta http-equiv=\"refresh\" content=\"\(refreshSeconds)\">" }
        h += "<title>\(esc(title)) · 积分考核</title><style>\(style)</style></head><body>"
        h += "<header><h1>积分考核 · 干部门户</h1>"
        if let nav {
            h += "<nav>"
            for (href, label) in nav.links { h += "<a href=\"\(esc(href))\">\(esc(label))</a>" }
            h += "<form method=\"post\" action=\"/logout\">\(csrfField(nav.csrf))<button type=\"submit\">退出</button></form>"
            h += "</nav>"
        }
        h += "</header><main>\(body)</main></body></html>"
        return h
    }

    static func csrfField(_ token: String) -> String { "<input type=\"hidden\" name=\"csrf\" value=\"\(esc(token))\">" }

    /// The header's links for the logged-in account.
    struct Nav {
        var links: [(String, String)]
        var csrf: String
    }

    static func points(_ f: Fixed) -> String { f.shortDescription }

    static func signed(_ f: Fixed) -> String { f.isNegative ? "−" + f.negated().shortDescription : "+" + f.shortDescription }

    static func yuan(_ m: Money) -> String { m.grouped }

    /// An audit-style UTC timestamp (`2021-01-05T01:00:00Z`) as China time, `2021-01-05 09:00`;
    /// anything else (a plain date) as it is.
    static func time(_ iso: String) -> String {
        let f = ISO8601DateFormatter()
        guard let date = f.date(from: iso) else { return iso }
        let out = DateFormatter()
        out.locale = Locale(identifier: "en_US_POSIX")
        out.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        out.dateFormat = "yyyy-MM-dd HH:mm"
        return out.string(from: date)
    }
}

extension HTML {
    /// Seconds since 1970 as China time, `2021-01-05 09:15`.
    static func time(epoch: Int64) -> String {
        let out = DateFormatter()
        out.locale = Locale(identifier: "en_US_POSIX")
        out.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        out.dateFormat = "yyyy-MM-dd HH:mm"
        return out.string(from: Date(timeIntervalSince1970: TimeInterval(epoch)))
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
