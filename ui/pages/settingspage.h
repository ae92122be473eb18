#pragma once
// Settings: the ones a desktop user changes, validated by the core's own setting specs as they are
// typed, written to the config file the core reads (Settings::save on the engine thread), with a
// warning before listening beyond this computer. Each field says when it takes effect: the engine
// reads these at start, so most need a restart of the app; the log level applies at once.

#include "confirm.h"

#include <QHash>
#include <QVariant>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace qp {

class EngineClient;

class SettingsPage : public QWidget
{
    Q_OBJECT
public:
    explicit SettingsPage(EngineClient &client, QWidget *parent = nullptr);

    void setConfirmer(Confirmer c) { m_confirm = std::move(c); }
    // Reads the engine's values into the form (done on construction and after saving).
    void load();
    bool isLoaded() const { return m_loaded; }
    // Problems of the form as typed: key -> message. Empty when it can be saved.
    QHash<QString, QString> problems() const;
    // The values that differ from what the engine runs with.
    QHash<QString, QVariant> changes() const;
    bool canSave() const;
    void save();
    QString statusText() const;
    static bool isLoopback(const QString &host);

    QLineEdit *hostField() const { return m_host; }
    QLineEdit *portField() const { return m_port; }
    QComboBox *strategyBox() const { return m_strategy; }
    QComboBox *defaultAccountBox() const { return m_defaultAccount; }
    QSpinBox *reserveBox() const { return m_reserve; }
    QLineEdit *routesField() const { return m_routes; }
    QComboBox *logLevelBox() const { return m_logLevel; }
    QComboBox *languageBox() const { return m_language; }
    QCheckBox *startAtLoginBox() const { return m_startAtLogin; }
    QCheckBox *startMinimizedBox() const { return m_startMinimized; }

signals:
    void saved();

private:
    QHash<QString, QVariant> formValues() const;
    void validate();
    void updateAccounts();

    EngineClient &m_client;
    QLineEdit *m_host, *m_port, *m_routes;
    QComboBox *m_strategy, *m_defaultAccount, *m_logLevel, *m_language;
    QSpinBox *m_reserve;
    QCheckBox *m_startAtLogin, *m_startMinimized;
    QLabel *m_exposure;
    QLabel *m_problems;
    QLabel *m_status;
    QPushButton *m_save, *m_revert;
    QHash<QString, QVariant> m_loadedValues;
    QHash<QString, int> m_sources;
    QString m_configFile;
    bool m_loaded = false;
    Confirmer m_confirm = confirmWithMessageBox;
};

} // namespace qp
