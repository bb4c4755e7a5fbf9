import Foundation
import Testing
@testable import Flows

/// Deliberately broken flows under Fixtures/: every problem, with its exact position and message.
@Suite struct ValidatorFixtureTests {
    func check(_ name: String) throws -> [String] {
        FlowLoader.load(data: try RepoFiles.fixture(name), file: name).diagnostics.map(\.description)
    }

    @Test func typosGetDidYouMean() throws {
        #expect(try check("typos.yaml") == [
            "typos.yaml:1:1: missing `start`: name the first step of the flow",
            "typos.yaml:2:1: unknown key `strat` in the flow; did you mean `start`?",
            "typos.yaml:5:14: unknown key `no_input` in `defaults.timeouts`; did you mean `no_input_ms`?",
            "typos.yaml:9:5: unknown key `nxt` in say step `greeting`; did you mean `next`?",
            "typos.yaml:14:7: `on` keys are digits (\"1\", \"42#\"), `speech`, `no_input` or `no_match`, found `no_imput`; did you mean `no_input`?",
        ])
    }

    @Test func missingReferencesAndUnreachableSteps() throws {
        #expect(try check("references.yaml") == [
            "references.yaml:9:16: unknown variable `caller.nmber` (known: caller.number, caller.name); did you mean `number`?",
            "references.yaml:9:42: variable `vars.balance` is never set (declare it under `vars:` or assign it with `set`/`store`)",
            "references.yaml:10:11: unknown step `menuu`; did you mean `menu`?",
            "references.yaml:11:3: step `menu` is never reached from `start`, `on_error` or `on_hangup`",
            "references.yaml:14:15: tool `lookup_acount` is not declared in `tools:`; did you mean `lookup_account`?",
            "references.yaml:17:3: step `to_billing` is never reached from `start`, `on_error` or `on_hangup`",
            "references.yaml:18:15: unknown route `biling` (declare it under `routes:` or write a sip: URI); did you mean `billing`?",
            "references.yaml:19:3: step `orphan` is never reached from `start`, `on_error` or `on_hangup`",
        ])
    }

    @Test func loopWithoutWaitingIsReported() throws {
        #expect(try check("loops.yaml") == [
            "loops.yaml:5:3: steps `intro` → `count` → `check` → `intro` loop without waiting for the caller: add a gather, agent or record step to the loop"
        ])
    }

    @Test func badExpressionsAndTemplates() throws {
        #expect(try check("expressions.yaml") == [
            "expressions.yaml:6:23: bad expression: `=` is not an operator: write `==` to compare",
            "expressions.yaml:8:35: bad expression: nested quantifiers like `(a+)+` are not allowed in `matches` (they can take exponential time)",
            "expressions.yaml:10:13: unknown hours `night`",
            "expressions.yaml:12:32: bad expression: unknown name `colour`",
            "expressions.yaml:16:17: `vars.` is not a variable path in template",
            "expressions.yaml:16:31: unclosed `{{` in template",
        ])
    }

    @Test func toolSchemasAndWebhooks() throws {
        #expect(try check("schema.yaml") == [
            "schema.yaml:5:20: webhook `url` must be an http:// or https:// URL",
            "schema.yaml:5:55: `secret_env` names an environment variable (A-Z, 0-9, _), never the secret itself",
            "schema.yaml:5:80: `timeout_ms` must be between 100 and 60000, found 10",
            "schema.yaml:7:13: tool `parameters` must have `type: object` at the top",
            "schema.yaml:9:20: unknown JSON Schema type `strng` at `parameters.id` (known: object, array, string, number, integer, boolean, null); did you mean `string`?",
            "schema.yaml:10:43: unknown JSON Schema type `text` at `parameters.tags[]` (known: object, array, string, number, integer, boolean, null)",
            "schema.yaml:11:22: required property `missing` is not in `properties` at `parameters`",
            "schema.yaml:12:7: unknown JSON Schema keyword `additionalProperty` at `parameters`; did you mean `additionalProperties`?",
        ])
    }

    @Test func yamlSyntaxErrorHasAPosition() throws {
        #expect(try check("syntax.yaml") == [
            "syntax.yaml:7:1: YAML syntax error: found unexpected end of stream (while scanning a quoted scalar at 5:10)"
        ])
    }

    @Test func aliasesAreRejected() throws {
        #expect(try check("bomb.yaml") == ["bomb.yaml:2:4: YAML anchors and aliases (`&a`) are not allowed in flow files"])
    }

    @Test func nonUTF8IsRejectedWithPosition() throws {
        #expect(try check("latin1.yaml") == ["latin1.yaml:1:10: file is not valid UTF-8"])
    }
}
