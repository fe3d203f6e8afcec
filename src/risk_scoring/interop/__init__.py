"""Exchange with systems outside Python: FHIR R4 Questionnaires and QuestionnaireResponses."""
