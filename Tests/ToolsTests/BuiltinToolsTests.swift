import Foundation
import Testing
@testable import Tools
import SwitchboardCore

@Suite struct BuiltinToolsTests {
    @Test func looksUpByCallerNumberWithSensitiveFieldsHidden() async throws {
        let dispatcher = ToolsTestSupport.dispatcher(accounts: try ToolsTestSupport.seededAccounts())
        let (value, result, _, _) = await dispatcher.one("lookup_account", "{}", ToolsTestSupport.context())
        #expect(!result.isError)
        #expect(value["found"] == true)
        #expect(value["verified"] == false)
        let account = try #require(value["account"]?.objectValue)
        #expect(account["account_number"] == "100001")
        #expect(account["name"] == "Ada Lovelace")
        #expect(account["plan"] == "Unlimited Plus")
        for hidden in ["balance", "date_of_birth", "address", "email", "next_appointment", "pin"] {
            #expect(account[hidden] == nil, "\(hidden) must be hidden before verification")
        }
        #expect(value["withheld_until_verified"] == ["address", "balance", "date_of_birth", "email", "next_appointment"])
        #expect(!result.content.contains("4821"))
    }

    @Test func looksUpByAccountNumberAndOtherPhoneSpellings() async throws {
        let dispatcher = ToolsTestSupport.dispatcher(accounts: try ToolsTestSupport.seededAccounts())
        let context = ToolsTestSupport.context(caller: "+19999999999")
        let byNumber = await dispatcher.one("lookup_account", #"{"account_number":"100008"}"#, context).value
        #expect(byNumber["account"]?["name"] == "Radia Perlman, PhD")
        let byPhone = await dispatcher.one("lookup_account", #"{"phone":"447700900007"}"#, context).value
        #expect(byPhone["account"]?["account_number"] == "100007")
        let sipCaller = ToolsTestSupport.context(caller: "sip:+15550100003@pbx.example.com")
        let bySIP = await dispatcher.one("lookup_account", "", sipCaller).value
        #expect(bySIP["account"]?["name"] == "Alan Turing")
        let nanp = ToolsTestSupport.context(caller: "5550100005")
        #expect(await dispatcher.one("lookup_account", "{}", nanp).value["account"]?["name"] == "Claude Shannon")
        let missing = await dispatcher.one("lookup_account", "{}", context)
        #expect(missing.value == ["found": false])
        #expect(!missing.result.isError)
    }

    @Test func verificationByPINRevealsSensitiveFieldsOfThatAccountOnly() async throws {
        let dispatcher = ToolsTestSupport.dispatcher(accounts: try ToolsTestSupport.seededAccounts())
        var context = ToolsTestSupport.context()
        let verify = await dispatcher.one("verify_caller", #"{"pin":"4821"}"#, context)
        #expect(verify.value["verified"] == true)
        #expect(verify.value["account_number"] == "100001")
        context = verify.context
        #expect(context.verified)
        #expect(context.verifiedAccount == "100001")
        let own = await dispatcher.one("lookup_account", "{}", context).value
        #expect(own["verified"] == true)
        #expect(own["account"]?["balance"] == 142.5)
        #expect(own["account"]?["date_of_birth"] == "1985-12-10")
        #expect(own["account"]?["pin"] == nil)
        #expect(own["withheld_until_verified"] == nil)
        let other = await dispatcher.one("lookup_account", #"{"account_number":"100002"}"#, context).value
        #expect(other["verified"] == false)
        #expect(other["account"]?["balance"] == nil)
    }

    @Test func verificationByDateOfBirth() async throws {
        let dispatcher = ToolsTestSupport.dispatcher(accounts: try ToolsTestSupport.seededAccounts())
        let context = ToolsTestSupport.context(caller: "+447700900008")
        let verify = await dispatcher.one("verify_caller", #"{"date_of_birth":"1981-12-18"}"#, context)
        #expect(verify.value["verified"] == true)
        #expect(verify.context.verifiedAccount == "100008")
        // The record for the call log never holds the date of birth.
        #expect(verify.record.arguments.jsonText == #"{"date_of_birth":"[REDACTED]"}"#)
    }

    @Test func wrongPINCountsAndTheLimitLocksVerification() async throws {
        let dispatcher = ToolsTestSupport.dispatcher(accounts: try ToolsTestSupport.seededAccounts())
        var context = ToolsTestSupport.context()
        var step = await dispatcher.one("verify_caller", #"{"pin":"0000"}"#, context)
        #expect(step.value == ["verified": false, "attempts_left": 2])
        #expect(!step.result.isError)
        #expect(!step.context.verified)
        context = step.context
        step = await dispatcher.one("verify_caller", #"{"pin":"1111"}"#, context)
        #expect(step.value["attempts_left"] == 1)
        context = step.context
        step = await dispatcher.one("verify_caller", #"{"date_of_birth":"2000-01-01"}"#, context)
        #expect(step.value["attempts_left"] == 0)
        context = step.context
        #expect(context.failedVerifications == 3)
        // Even the right PIN is refused now.
        step = await dispatcher.one("verify_caller", #"{"pin":"4821"}"#, context)
        #expect(step.value["locked"] == true)
        #expect(step.result.isError)
        #expect(!step.context.verified)
        #expect(step.record.arguments == ["pin": "[REDACTED]"])
        #expect(step.record.result?.jsonText.contains("4821") == false)
    }

    @Test func parallelGuessesCannotExceedTheAttemptLimit() async throws {
        let dispatcher = ToolsTestSupport.dispatcher(
            accounts: try ToolsTestSupport.seededAccounts(), limits: .init(maxCallsPerTurn: 10))
        let calls = (0..<6).map { ToolCall(id: "v\($0)", name: "verify_caller", argumentsText: #"{"pin":"000\#($0)"}"#) }
        let outcome = await dispatcher.dispatch(calls, context: ToolsTestSupport.context())
        let locked = outcome.results.filter { $0.value["locked"] == true }.count
        #expect(locked == 3)
        #expect(outcome.context.failedVerifications == 3)
    }

    @Test func verificationNeedsAPINOrDateOfBirth() async throws {
        let dispatcher = ToolsTestSupport.dispatcher(accounts: try ToolsTestSupport.seededAccounts())
        let step = await dispatcher.one("verify_caller", "{}", ToolsTestSupport.context())
        #expect(step.result.isError)
        #expect(step.context.failedVerifications == 0)
    }

    @Test func withoutADatabaseLookupIsAnErrorResult() async {
        let dispatcher = ToolsTestSupport.dispatcher(accounts: nil)
        let step = await dispatcher.one("lookup_account", "{}", ToolsTestSupport.context())
        #expect(step.result.isError)
        #expect(step.value["retryable"] == false)
    }

    @Test func transferDuringBusinessHoursAndOverflowAfter() async {
        let open = ToolsTestSupport.dispatcher(accounts: nil, now: ToolsTestSupport.wednesday(hour: 10))
        let during = await open.one("transfer_call", #"{"route":"billing","reason":"refund"}"#, ToolsTestSupport.context())
        #expect(during.value["action"] == "transfer")
        #expect(during.value["target"] == "sip:billing@127.0.0.1:5070")
        #expect(during.value["outcome"] == "open")
        #expect(
            during.result.action
                == .transfer(route: "billing", target: "sip:billing@127.0.0.1:5070", overflow: "sip:voicemail@127.0.0.1:5070"))
        let closed = ToolsTestSupport.dispatcher(accounts: nil, now: ToolsTestSupport.wednesday(hour: 18))
        let after = await closed.one("transfer_call", #"{"route":"billing"}"#, ToolsTestSupport.context())
        #expect(after.value["target"] == "sip:voicemail@127.0.0.1:5070")
        #expect(after.value["outcome"] == "closed_overflow")
        let human = await closed.one("transfer_call", #"{"route":"human"}"#, ToolsTestSupport.context())
        #expect(human.value["target"] == "sip:operator@127.0.0.1:5070")
        let unknown = await closed.one("transfer_call", #"{"route":"sales"}"#, ToolsTestSupport.context())
        #expect(unknown.result.isError)
        #expect(unknown.result.errorMessage?.contains("/route: must be one of") == true)
    }

    @Test func endCallHangsUpWithAGoodbye() async {
        let dispatcher = ToolsTestSupport.dispatcher(accounts: nil)
        let step = await dispatcher.one("end_call", #"{"goodbye":"Bye Ada!"}"#, ToolsTestSupport.context())
        #expect(step.value == ["action": "hangup", "goodbye": "Bye Ada!"])
        #expect(step.result.action == .hangUp(goodbye: "Bye Ada!"))
        let plain = await dispatcher.one("end_call", "{}", ToolsTestSupport.context())
        #expect(plain.result.action == .hangUp(goodbye: "Thank you for calling. Goodbye."))
    }

    @Test func seedingRejectsBadCSV() throws {
        let path = try ToolsTestSupport.temporaryFolder().appendingPathComponent("a.sqlite").path
        #expect(throws: AccountsDatabase.Failure.self) {
            try AccountsDatabase.seed(csv: "account_number,phone,shoe_size\n1,+1555,42\n", into: path)
        }
        #expect(throws: AccountsDatabase.Failure.self) {
            try AccountsDatabase.seed(csv: "account_number,phone,balance\n1,+1555,lots\n", into: path)
        }
        #expect(throws: AccountsDatabase.Failure.self) {
            try AccountsDatabase.seed(csv: "account_number,phone\n\"1,+1555\n", into: path)
        }
        #expect(throws: AccountsDatabase.Failure.self) { try AccountsDatabase(path: path + ".missing") }
    }
}
