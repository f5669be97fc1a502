import Diagnostics
import Foundation
import Testing

@testable import RulesLanguage

@Suite("Formatter")
struct FormatterTests {
    /// A file as a clerk might type it: mixed widths, glued punctuation, odd spacing, comments.
    let untidy = """
        # 第五条
        积分项 夜间值班(依据 第五条第一款){   # 夜班
        取 值班 其中 班次=夜班 且 状态 属于(到岗,替班)
              每条 2分,每月上限 20分
        }
        等次评定{
        优秀:得分>=90分,名额 20% 按 社区


        不称职:其余
        排序 得分 从高到低,工号 从低到高
        }
        参数 分值{自2020年10月1日起 15元
        自 2021/1/1 起:18元}
        应发项 绩效工资=得分*分值{舍入 到元}
        """

    @Test("writes the canonical layout (golden)")
    func golden() throws {
        let out = RulesFormatter.format(SourceFile(path: "x.jifen", text: untidy))
        try assertSnapshot("fmt-untidy", source: untidy, output: out)
    }

    @Test("is idempotent and keeps the tree and the comments")
    func idempotent() {
        let source = SourceFile(path: "x.jifen", text: untidy)
        let once = RulesFormatter.format(source)
        #expect(RulesFormatter.format(SourceFile(path: "x.jifen", text: once)) == once)
        let (a, _) = RulesParser.parse(file: source)
        let (b, _) = RulesParser.parse(file: SourceFile(path: "x.jifen", text: once))
        #expect(spanless(a) == spanless(b))
        #expect(b.comments.map(\.text) == ["第五条", "夜班"])
    }

    @Test("an English file stays English")
    func english() {
        let text = "item night (per art_5) {\n take duty where shift = night\n each 2 pt , monthly_cap 20 pt }\n"
        let out = RulesFormatter.format(SourceFile(path: "x.jifen", text: text))
        #expect(out == "item night (per art_5) {\n  take duty where shift = night\n  each 2 pt\n  monthly_cap 20 pt\n}\n")
    }

    @Test("leaves a file with syntax errors untouched")
    func brokenFileUntouched() {
        let text = "积分项 甲 {\n  每条 （2 分\n"
        #expect(RulesFormatter.format(SourceFile(path: "x.jifen", text: text)) == text)
    }
}
