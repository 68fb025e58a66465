from plugins.onestop.models.catalogue import Field, Procedure, ProcedureDocument, ProcedureStep
from plugins.onestop.models.dossiers import (Dossier, DossierCounter, DossierDocument, Rating, Submission,
                                             Transition)

__all__ = ["Dossier", "DossierCounter", "DossierDocument", "Field", "Procedure", "ProcedureDocument",
           "ProcedureStep", "Rating", "Submission", "Transition"]
