// ModelClient: turning HTTP statuses, error bodies and transport failures into `ModelClientError`s with the
// provider's own message, retry hints, and a hint for the person reading it.
import AsyncHTTPClient
import Foundation

extension ChatModelClient {
    static func httpError(
        status: Int, header: (String) -> String?, body: [UInt8], model: String, provider: ProviderConfiguration
    ) -> ModelClientError {
        let apiError = APIErrorBody(data: Data(body))
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = apiError?.message ?? (text.isEmpty ? "no details in the response" : text)
        let retryable = RetryPolicy.isRetryable(status: status, shouldRetryHeader: header("x-should-retry"))
        let retryAfter = RetryPolicy.retryAfter(milliseconds: header("retry-after-ms"), seconds: header("retry-after"))
        let name = provider.profile.name
        func make(_ code: ModelClientError.Code, _ message: String) -> ModelClientError {
            ModelClientError(code, message, retryable: retryable, status: status, retryAfter: retryAfter)
        }
        switch status {
        case 404 where apiError?.code == "model_not_found" || detail.lowercased().contains("model"):
            return make(
                .modelNotFound,
                "model '\(model)' is not available at \(name): \(detail). Preview models are retired on the "
                    + "provider's schedule; set another model (e.g. \(ModelCatalogue.currentModel)) in model.model, model.aliases or the flow step")
        case 401:
            return make(
                .authentication,
                "\(name) rejected the API key (HTTP 401): \(detail). Check \(provider.profile.apiKeyVariable)")
        case 403:
            return make(.authentication, "\(name) refused the request (HTTP 403, e.g. no credits left): \(detail)")
        case 429 where apiError?.code == "insufficient_quota" || apiError?.type == "insufficient_quota"
            || detail.lowercased().contains("exceeded your current quota"):
            // Out of credit: waiting does not help, so no retry.
            return ModelClientError(
                .quota, "\(name) refused the request: the account's quota is used up (HTTP 429): \(detail)",
                status: status)
        case 429:
            return make(.rateLimited, "\(name) is rate limiting this key (HTTP 429): \(detail)")
        case 500...:
            return make(.server, "\(name) failed (HTTP \(status)): \(detail)")
        default:
            return make(.http, "\(name) rejected the request (HTTP \(status)): \(detail)")
        }
    }

    static func transportError(_ error: any Error) -> ModelClientError {
        if let error = error as? HTTPClientError {
            if error == .connectTimeout {
                return ModelClientError(.connectTimeout, "could not connect to the model provider in time", retryable: true)
            }
            if error == .remoteConnectionClosed {
                return ModelClientError(.connection, "the model provider closed the connection", retryable: true)
            }
            if error == .invalidURL || error == .emptyHost || error == .emptyScheme {
                return ModelClientError(.configuration, "the provider base URL is not a valid URL: \(error)")
            }
        }
        return ModelClientError(.connection, "could not reach the model provider: \(error)", retryable: true)
    }
}
