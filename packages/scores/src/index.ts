export { ScoreServices } from "./score-services.ts";
