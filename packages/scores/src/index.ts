export { ScoreServices } from "./score-services.ts";
export { InvalidScoresRequestError, ScoresNotFoundError } from "./errors.ts";
