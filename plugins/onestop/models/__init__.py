from plugins.onestop.models.catalogue import Field, Procedure, ProcedureDocument, ProcedureStep
from plugins.onestop.models.dossiers import (Dossier, DossierCounter, DossierDocument, Rating, Submission,
                                             Transition)
from plugins.onestop.models.alerts import DossierAlert

__all__ = ["Dossier", "DossierAlert", "DossierCounter", "DossierDocument", "Field", "Procedure", "ProcedureDocument",
           "ProcedureStep", "Rating", "Submission", "Transition"]
