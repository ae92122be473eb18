#pragma once
// The one place where a qp::Error becomes an HTTP status and a body in the client's dialect:
// OpenAI {"error":{message,type,param,code}} or Anthropic {"type":"error","error":{type,message}}.

#include "common/error.h"
#include "http/responsewriter.h"

#include <QJsonObject>

namespace qp {

enum class Dialect { OpenAI, Anthropic };

Dialect dialectForPath(QByteArrayView path);
int httpStatusFor(const Error &e, Dialect d);
QJsonObject errorBody(const Error &e, Dialect d);
void sendError(http::ResponseWriter *writer, const Error &e, Dialect d);
// For a status decided before any Error exists (framing errors from the HTTP layer).
void sendStatusError(http::ResponseWriter *writer, int status, const QString &message, Dialect d);

// Mid-stream error payloads.
QByteArray openAIStreamError(const Error &e); // the JSON after "data: "
QString anthropicErrorType(int status);

} // namespace qp
