#pragma once
// Adding a provider from a preset: the preset's base URL and models prefilled, the key typed into
// a password field and checked against the preset's key format (checkProviderKey) before anything
// is sent, and the egress proxy. The dialog stays open with the service's answer until it succeeds.

#include "providers/providerservice.h"

#include <QDialog>
#include <memory>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace Ui {
class AddProviderDialog;
}

namespace qp {

class EngineClient;

class AddProviderDialog : public QDialog
{
    Q_OBJECT
public:
    explicit AddProviderDialog(EngineClient &client, QWidget *parent = nullptr);
    ~AddProviderDialog() override;

    QComboBox *presetBox() const { return m_preset; }
    QLineEdit *idField() const { return m_id; }
    QLineEdit *baseUrlField() const { return m_baseUrl; }
    QLineEdit *keyField() const { return m_key; }
    QLineEdit *modelsField() const { return m_models; }
    QLineEdit *proxyField() const { return m_proxy; }
    QString problemText() const;
    bool canSubmit() const;
    void selectPreset(const QString &presetId);
    AddProviderRequest request() const;
    // Sends the request (the OK button does this).
    void submit();

signals:
    void added(const QString &providerId);

private:
    void presetChanged();
    void validate();

    EngineClient &m_client;
    std::unique_ptr<Ui::AddProviderDialog> m_ui; // the layout: addproviderdialog.ui
    QComboBox *m_preset;
    QLabel *m_description;
    QLineEdit *m_id, *m_baseUrl, *m_key, *m_models, *m_proxy;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
    bool m_busy = false;
};

} // namespace qp
