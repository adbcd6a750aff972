/**
 * @module schemas/openai-models
 * `GET /v1/models` answers: the OpenAI `Model` and `ListModelsResponse` shapes.
 */
export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export interface ModelList {
  object: 'list';
  data: ModelObject[];
}
