from plugins.onestop.models.catalogue import Field, Procedure, ProcedureDocument, ProcedureStep
from plugins.onestop.models.dossiers import (Dossier, DossierCounter, DossierDocument, Rating, Submission,
                                             Transition)
from plugins.onestop.models.alerts import DossierAlert
from plugins.onestop.models.settings import CounterSettings

__all__ = ["CounterSettings", "Dossier", "DossierAlert", "DossierCounter", "DossierDocument", "Field", "Procedure", "ProcedureDocument",
           "ProcedureStep", "Rating", "Submission", "Transition"]
