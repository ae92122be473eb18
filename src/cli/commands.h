#pragma once
#include <QStringList>

namespace qp::cli {
int runServe(const QStringList &args);
int runAuth(const QStringList &args);
int runUsage(const QStringList &args);
int runProvider(const QStringList &args);
int runConnect(const QStringList &args);
int runKeys(const QStringList &args);
int runPurge(const QStringList &args);
void printHelp();
} // namespace qp::cli
