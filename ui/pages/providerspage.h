#pragma once
// Providers: every API-key provider (stored, or defined by the environment), added from a preset,
// tested (latency and the answer or the error in plain words), its models listed, removed after a
// confirmation. All through ProviderService on the engine thread (EngineClient).

#include "confirm.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace qp {

class AddProviderDialog;
class EngineClient;

class ProvidersPage : public QWidget
{
    Q_OBJECT
public:
    explicit ProvidersPage(EngineClient &client, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    void setConfirmer(Confirmer c) { m_confirm = std::move(c); }
    // Opens the add dialog (window-modal, returns at once); the dialog while it is open.
    AddProviderDialog *openAddDialog();
    AddProviderDialog *addDialog() const { return m_dialog; }
    QString selectedId() const;
    void selectId(const QString &id);
    QString resultText() const;
    void testSelected();
    void modelsOfSelected();
    void removeSelected();

private:
    void refresh();
    void updateButtons();

    EngineClient &m_client;
    QTableWidget *m_table;
    QStackedWidget *m_stack;
    QLabel *m_result;
    QPushButton *m_test, *m_models, *m_remove;
    QPointer<AddProviderDialog> m_dialog;
    Confirmer m_confirm = confirmWithMessageBox;
};

} // namespace qp
